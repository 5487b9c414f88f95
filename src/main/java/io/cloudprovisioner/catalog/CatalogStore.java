package io.cloudprovisioner.catalog;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Holds the catalog in force. Starts from the bundled snapshot; a refresh from live price APIs replaces it as a
 * whole (readers never see a half-updated catalog).
 */
@Singleton
@Startup
public class CatalogStore {
    private static final Logger LOG = Logger.getLogger(CatalogStore.class);
    private final AtomicReference<Catalog> current = new AtomicReference<>();

    @PostConstruct
    void load() {
        long t0 = System.nanoTime();
        Catalog c = CatalogLoader.loadBundled();
        current.set(c);
        LOG.infof("bundled catalog loaded: %d offers in %d ms", c.offerCount(), (System.nanoTime() - t0) / 1_000_000);
    }

    public Catalog current() {
        return current.get();
    }

    /** Replaces the catalog in force. */
    public void replace(Catalog catalog) {
        current.set(catalog);
    }
}

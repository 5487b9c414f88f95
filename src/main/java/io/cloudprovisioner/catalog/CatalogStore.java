package io.cloudprovisioner.catalog;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds the catalog in force. Starts from the bundled snapshot, loaded on the main thread at start-up (never on
 * the gRPC event loop, where the gRPC server creates its service beans); a refresh from live price APIs replaces it
 * as a whole, so readers never see a half-updated catalog.
 */
@Singleton
public class CatalogStore {
    private static final Logger LOG = Logger.getLogger(CatalogStore.class);
    private volatile Catalog current;
    private volatile Catalog bundled;
    /** Age after which a bundled price is marked stale in answers (cloudprovisioner.catalog.stale-after). */
    @ConfigProperty(name = "cloudprovisioner.catalog.stale-after", defaultValue = "365d")
    Duration staleAfter = Staleness.DEFAULT_STALE_AFTER;

    public CatalogStore() {
    }

    /** A store holding {@code bundled} (tests). */
    CatalogStore(Catalog bundled) {
        this.bundled = bundled;
        this.current = bundled;
    }

    void onStart(@Observes StartupEvent event) {
        current();
    }

    public Catalog current() {
        Catalog c = current;
        if (c == null) {
            synchronized (this) {
                c = current;
                if (c == null) {
                    long t0 = System.nanoTime();
                    c = CatalogLoader.loadBundled(new Staleness(staleAfter, Instant.now()));
                    bundled = c;
                    current = c;
                    LOG.infof("bundled catalog loaded: %d offers in %d ms", c.offerCount(),
                            (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return c;
    }

    /** The configured age after which a price counts as stale. */
    public Duration staleAfter() {
        return staleAfter;
    }

    /** The bundled snapshot (what live prices are applied to, and what remains when none could be fetched). */
    public Catalog bundled() {
        current();
        return bundled;
    }

    /** Replaces the catalog in force. */
    public void replace(Catalog catalog) {
        current = catalog;
    }
}

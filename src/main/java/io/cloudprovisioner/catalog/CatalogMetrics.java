package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The catalog's meters (README "Metrics and logs"), per {@code provider}, in seconds:
 * <ul>
 * <li>{@code cloudprovisioner.catalog.price.age}: since the oldest dated {@code as_of} among the provider's prices
 * in force (bundled or live); NaN when none is dated.
 * <li>{@code cloudprovisioner.catalog.live.refresh.age}: since the oldest last good fetch among the provider's live
 * price sources; NaN while one of them has never fetched (some prices are then the bundled snapshot's) or the
 * provider has none.
 * </ul>
 */
@Singleton
public class CatalogMetrics {
    @Inject
    MeterRegistry registry;
    @Inject
    CatalogStore store;
    @Inject
    PriceRefresher refresher;

    /** The gauges this bean registered; removed when the application stops, so a restarted application in the
     * same JVM (the tests' Quarkus restarts) registers its own instead of finding these, bound to a dead bean. */
    private final java.util.List<io.micrometer.core.instrument.Meter> gauges =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    @jakarta.annotation.PreDestroy
    void removeGauges() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }

    void onStart(@Observes StartupEvent e) {
        for (Provider p : Provider.values()) {
            gauges.add(Gauge.builder("cloudprovisioner.catalog.price.age", () -> priceAgeSeconds(p))
                    .description("Seconds since the oldest as-of date of the provider's prices in force")
                    .baseUnit("seconds").tag("provider", p.id()).register(registry));
            gauges.add(Gauge.builder("cloudprovisioner.catalog.live.refresh.age", () -> liveAgeSeconds(p))
                    .description("Seconds since the oldest last good live price fetch of the provider "
                            + "(NaN: never fetched, bundled prices in force)")
                    .baseUnit("seconds").tag("provider", p.id()).register(registry));
        }
    }

    double priceAgeSeconds(Provider p) {
        try {
            String oldest = store.current().provider(p).priceFreshness().oldestAsOf();
            Optional<Instant> t = Staleness.instant(oldest);
            return t.map(i -> Duration.between(i, Instant.now()).toMillis() / 1000.0).orElse(Double.NaN);
        } catch (IllegalStateException e) {
            return Double.NaN; // no data for the provider
        }
    }

    double liveAgeSeconds(Provider p) {
        return refresher.dataAge(p).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
    }
}

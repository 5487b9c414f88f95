package io.cloudprovisioner.provisioning;

import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.RegionOffers;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.ledger.Ledger;
import io.cloudprovisioner.ledger.LedgerMetrics;
import io.cloudprovisioner.ledger.LedgerRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The provisioning workflow's meters, defined in one place (README "Metrics and logs"). Tags are bounded: provider
 * id, region (a catalog region), outcome ("success" or a lower-case error class). Never an instance id, request id,
 * principal or label.
 * <ul>
 * <li>{@code cloudprovisioner.provisions} (counter): provisioning requests that ended (not replays), by
 * {@code provider}, {@code region} (where the instance runs, or the last attempt's place) and {@code outcome}
 * (success, capacity, quota, auth, transient, ..., all_skipped).
 * <li>{@code cloudprovisioner.provision.attempts} (counter): each attempt of a plan, same tags; outcome
 * {@code skipped} for an offering skipped because it failed on capacity or quota recently.
 * <li>{@code cloudprovisioner.provision.duration} (timer): time of a provisioning request, by {@code provider} and
 * {@code outcome}.
 * <li>{@code cloudprovisioner.failovers} (counter): moves to the next candidate after a capacity or quota failure,
 * by {@code from_provider}, {@code to_provider} and {@code reason}.
 * <li>{@code cloudprovisioner.spend.estimated.hourly} (gauge, USD per hour): the sum of the hourly prices of the
 * ledger's RUNNING instances, by {@code provider}. The ledger records no price per instance: each is priced from the
 * current catalog by (provider, region, instance type), spot when the record is a spot instance and a spot price is
 * known; an instance whose offer is not in the catalog is left out. Cached like the ledger gauges.
 * </ul>
 */
@Singleton
public class ProvisioningMetrics {
    @Inject
    MeterRegistry registry;
    @Inject
    Ledger ledger;
    @Inject
    CatalogStore catalog;
    @Inject
    @ConfigProperty(name = "cloudprovisioner.metrics.ledger-cache", defaultValue = "15s")
    Duration cacheFor;

    private LedgerMetrics.Cached<Map<Provider, Double>> spend;

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
        spend = new LedgerMetrics.Cached<>(cacheFor, this::computeSpend);
        for (Provider p : Provider.values()) {
            gauges.add(Gauge.builder("cloudprovisioner.spend.estimated.hourly", () -> {
                Map<Provider, Double> s = spend.get();
                return s == null ? Double.NaN : s.getOrDefault(p, 0.0);
            }).description("Estimated USD per hour of the ledger's RUNNING instances, priced from the catalog")
                    .baseUnit("usd").tag("provider", p.id()).register(registry));
        }
    }

    Map<Provider, Double> computeSpend() {
        Map<Provider, Double> out = new EnumMap<>(Provider.class);
        var current = catalog.current();
        for (Provider p : Provider.values()) {
            double sum = 0;
            for (LedgerRecord r : ledger.running(p)) {
                RegionOffers ro = r.region() == null ? null : current.provider(p).regions().get(r.region());
                Offer o = ro == null || r.instanceType() == null ? null : ro.offer(r.instanceType());
                double h = o == null ? Double.POSITIVE_INFINITY : o.effectiveUsdPerHour(r.spot());
                if (Double.isFinite(h)) {
                    sum += h;
                }
            }
            out.put(p, sum);
        }
        return out;
    }

    static String outcome(String errorClass) {
        return errorClass == null || errorClass.isEmpty() ? "success" : errorClass.toLowerCase(Locale.ROOT);
    }

    /** The region as a tag: a region the catalog knows for the provider, else "other" (bounded). */
    String region(Provider p, String region) {
        try {
            return region != null && catalog.current().provider(p).regions().containsKey(region) ? region : "other";
        } catch (IllegalStateException e) {
            return "other";
        }
    }

    void attempt(Provider p, String region, String outcome) {
        Counter.builder("cloudprovisioner.provision.attempts").description("Provisioning attempts")
                .tag("provider", p.id()).tag("region", region(p, region)).tag("outcome", outcome).register(registry)
                .increment();
    }

    void provision(Provider p, String region, String outcome, long startedNanos) {
        Counter.builder("cloudprovisioner.provisions").description("Provisioning requests that ended")
                .tag("provider", p.id()).tag("region", region(p, region)).tag("outcome", outcome).register(registry)
                .increment();
        Timer.builder("cloudprovisioner.provision.duration").description("Time of a provisioning request")
                .tag("provider", p.id()).tag("outcome", outcome).register(registry)
                .record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    void failover(Provider from, Provider to, String reason) {
        Counter.builder("cloudprovisioner.failovers")
                .description("Moves to the next candidate after a capacity or quota failure")
                .tag("from_provider", from.id()).tag("to_provider", to.id())
                .tag("reason", reason.toLowerCase(Locale.ROOT)).register(registry).increment();
    }
}

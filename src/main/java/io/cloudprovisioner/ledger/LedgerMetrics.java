package io.cloudprovisioner.ledger;

import io.cloudprovisioner.domain.Provider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The ledger's meters (README "Metrics and logs"). Tags are bounded: state, provider, finding kind, outcome.
 * <ul>
 * <li>{@code cloudprovisioner.ledger.records} (gauge): records by {@code state}, from one COUNT query at most every
 * {@code cloudprovisioner.metrics.ledger-cache} (a scrape does not query the database each time).
 * <li>{@code cloudprovisioner.reconcile.runs} (counter): reconcile runs by {@code outcome} (ran, lease_held).
 * <li>{@code cloudprovisioner.reconcile.findings} (counter): what runs found, by {@code provider} and {@code kind}
 * (orphan, orphan_terminated, orphan_in_grace, vanished, recovered, ...).
 * <li>{@code cloudprovisioner.reconcile.orphans} (counter): orphans found (kinds orphan and orphan_terminated), by
 * {@code provider}.
 * <li>{@code cloudprovisioner.reconcile.provider.errors} (counter): providers a run could not check.
 * <li>{@code cloudprovisioner.reconcile.last.orphans} (gauge): orphans (kinds orphan and orphan_terminated) the last run
 * that checked the {@code provider} found, dry runs included; NaN before the first such run.
 * </ul>
 * The counters count the findings of runs that change things (not dry runs), once per run that finds them: an orphan
 * left alone is found again by the next run.
 */
@Singleton
public class LedgerMetrics {
    private static final Logger LOG = Logger.getLogger(LedgerMetrics.class);

    @Inject
    MeterRegistry registry;
    @Inject
    Ledger ledger;
    @Inject
    @ConfigProperty(name = "cloudprovisioner.metrics.ledger-cache", defaultValue = "15s")
    Duration cacheFor;

    private Cached<Map<RecordState, Integer>> counts;
    private final Map<Provider, Double> lastOrphans = new java.util.concurrent.ConcurrentHashMap<>();

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
        counts = new Cached<>(cacheFor, ledger::countByState);
        for (RecordState s : RecordState.values()) {
            gauges.add(Gauge.builder("cloudprovisioner.ledger.records", () -> {
                Map<RecordState, Integer> c = counts.get();
                return c == null ? Double.NaN : c.getOrDefault(s, 0);
            }).description("Ledger records by state (cached)").tag("state", s.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        for (Provider p : Provider.values()) {
            gauges.add(Gauge.builder("cloudprovisioner.reconcile.last.orphans", () -> lastOrphans.getOrDefault(p, Double.NaN))
                    .description("Orphans found by the last reconcile run that checked the provider")
                    .tag("provider", p.id()).register(registry));
        }
    }

    void lastOrphans(Provider p, long found) {
        lastOrphans.put(p, (double) found);
    }

    void reconcileRun(boolean ran) {
        Counter.builder("cloudprovisioner.reconcile.runs").description("Reconcile runs")
                .tag("outcome", ran ? "ran" : "lease_held").register(registry).increment();
    }

    void finding(Reconciler.Finding f) {
        Counter.builder("cloudprovisioner.reconcile.findings").description("Reconcile findings by kind")
                .tag("provider", f.provider().id()).tag("kind", f.kind().name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
        if (f.kind() == Reconciler.Kind.ORPHAN || f.kind() == Reconciler.Kind.ORPHAN_TERMINATED) {
            Counter.builder("cloudprovisioner.reconcile.orphans")
                    .description("Managed instances without a live ledger record, past the grace period")
                    .tag("provider", f.provider().id()).register(registry).increment();
        }
    }

    void providerError(Provider p) {
        Counter.builder("cloudprovisioner.reconcile.provider.errors")
                .description("Providers a reconcile run could not check").tag("provider", p.id())
                .register(registry).increment();
    }

    /**
     * A value computed at most once per {@code ttl} (by the first reader after it expires); the last good value, or
     * null, while the computation fails. Exposed for the other packages' database-backed gauges.
     */
    public static final class Cached<T> {
        private final long ttlNanos;
        private final Supplier<T> compute;
        private volatile T value;
        private volatile long at;
        private volatile boolean computed;

        public Cached(Duration ttl, Supplier<T> compute) {
            this.ttlNanos = Math.max(0, ttl.toNanos());
            this.compute = compute;
        }

        public T get() {
            long now = System.nanoTime();
            if (!computed || now - at >= ttlNanos) {
                synchronized (this) {
                    if (!computed || System.nanoTime() - at >= ttlNanos) {
                        try {
                            value = compute.get();
                        } catch (RuntimeException e) {
                            LOG.debugf("a ledger gauge could not be computed: %s", e.toString());
                        }
                        at = System.nanoTime();
                        computed = true;
                    }
                }
            }
            return value;
        }
    }
}

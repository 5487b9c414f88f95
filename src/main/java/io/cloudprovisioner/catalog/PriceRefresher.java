package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Refreshes catalog prices from the providers' own price APIs ({@link LivePriceSource} beans). For each provider
 * that is configured (and listed in {@code cloudprovisioner.prices.providers}), each source is fetched at most once
 * per TTL; the provider's catalog is then rebuilt from the bundled snapshot with the last good fetch of each of its
 * sources applied, and the catalog in force is replaced as a whole. A failed fetch keeps the previous prices
 * (an older live fetch, or the bundled ones) and is recorded in {@link #status()}; it is logged with its error
 * class only, never with a message that could carry a secret.
 *
 * <p>With {@code cloudprovisioner.prices.refresh-enabled=true} a single daemon thread (never the gRPC event loop)
 * checks every {@code check-interval} which sources are due. On by default: public price APIs (Azure Retail Prices)
 * are fetched for every provider, credentialed ones (and discovery) only for configured providers; off with
 * {@code cloudprovisioner.prices.refresh-enabled=false} (the %test profile's setting).
 */
@Singleton
public class PriceRefresher {
    private static final Logger LOG = Logger.getLogger(PriceRefresher.class);

    private final CatalogStore store;
    private final List<LivePriceSource> sources;
    private final Predicate<Provider> configured;
    private final Set<Provider> enabled;
    private final Duration ttl;
    private final Duration retryAfter;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final Object rebuild = new Object();
    private volatile Clock clock;
    private boolean refreshEnabled;
    private Duration checkInterval = Duration.ofMinutes(5);
    private ScheduledExecutorService executor;

    @Inject
    public PriceRefresher(CatalogStore store, Instance<LivePriceSource> sources, ProviderRegistry registry,
            @ConfigProperty(name = "cloudprovisioner.prices.ttl", defaultValue = "6h") Duration ttl,
            @ConfigProperty(name = "cloudprovisioner.prices.retry-after", defaultValue = "30m") Duration retryAfter,
            @ConfigProperty(name = "cloudprovisioner.prices.providers",
                    defaultValue = "aws,gcp,azure,digitalocean,vultr") List<String> enabled,
            @ConfigProperty(name = "cloudprovisioner.prices.refresh-enabled", defaultValue = "true")
            boolean refreshEnabled,
            @ConfigProperty(name = "cloudprovisioner.prices.check-interval", defaultValue = "5m")
            Duration checkInterval) {
        this(store, sources.stream().toList(), registry::configured, parse(enabled), ttl, retryAfter,
                Clock.systemUTC());
        this.refreshEnabled = refreshEnabled;
        this.checkInterval = checkInterval;
    }

    /** A refresher without a schedule (tests). */
    public PriceRefresher(CatalogStore store, List<LivePriceSource> sources, Predicate<Provider> configured,
            Set<Provider> enabled, Duration ttl, Duration retryAfter, Clock clock) {
        this.store = store;
        List<LivePriceSource> sorted = new ArrayList<>(sources);
        sorted.sort((a, b) -> a.id().compareTo(b.id()));
        this.sources = List.copyOf(sorted);
        this.configured = configured;
        this.enabled = enabled.isEmpty() ? EnumSet.noneOf(Provider.class) : EnumSet.copyOf(enabled);
        this.ttl = ttl;
        this.retryAfter = retryAfter.compareTo(ttl) < 0 ? retryAfter : ttl;
        this.clock = clock;
        for (LivePriceSource s : this.sources) {
            if (states.put(s.id(), new State(s)) != null) {
                throw new IllegalStateException("two live price sources with id " + s.id());
            }
        }
    }

    private static Set<Provider> parse(List<String> ids) {
        Set<Provider> out = EnumSet.noneOf(Provider.class);
        for (String id : ids) {
            String t = id.trim();
            if (!t.isEmpty()) {
                out.add(Provider.fromId(t).orElseThrow(() -> new IllegalArgumentException(
                        "cloudprovisioner.prices.providers: unknown provider " + t)));
            }
        }
        return out;
    }

    void onStart(@Observes StartupEvent event) {
        if (!refreshEnabled || sources.isEmpty()) {
            LOG.debugf("live price refresh disabled (cloudprovisioner.prices.refresh-enabled=%s)", refreshEnabled);
            return;
        }
        startSchedule(checkInterval);
        LOG.infof("live price refresh enabled: %d sources, TTL %s, checked every %s", sources.size(), ttl,
                checkInterval);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopSchedule();
    }

    /** Checks which sources are due now and then every {@code every}, on one daemon thread. */
    synchronized void startSchedule(Duration every) {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "price-refresher");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::refreshDueQuietly, 0, Math.max(100, every.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule, interrupting a fetch in progress; waits at most 5 s. True when it stopped in time. */
    synchronized boolean stopSchedule() {
        ScheduledExecutorService e = executor;
        executor = null;
        if (e == null) {
            return true;
        }
        e.shutdownNow();
        try {
            if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("price refresher did not stop within 5 s");
                return false;
            }
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void refreshDueQuietly() {
        try {
            refreshDue();
        } catch (RuntimeException e) {
            LOG.warnf("live price refresh round failed (%s)", e.getClass().getSimpleName());
        }
    }

    /** Forgets every fetched price and status and puts the bundled catalog back in force (tests). */
    public void forgetLivePrices() {
        synchronized (rebuild) {
            for (State s : states.values()) {
                synchronized (s) {
                    s.good = null;
                    s.lastAttempt = null;
                    s.lastSuccess = null;
                    s.outcome = RefreshStatus.Outcome.NEVER;
                    s.detail = "";
                    s.applied = 0;
                    s.ignored = 0;
                    s.addedTypes = 0;
                    s.retiredTypes = 0;
                    s.addedOffers = 0;
                    s.removedOffers = 0;
                }
            }
            store.replace(store.bundled());
        }
    }

    /** Replaces the clock (tests). */
    void clock(Clock clock) {
        this.clock = clock;
    }

    /** Fetches every source of every enabled, configured provider whose last fetch is older than its TTL. */
    public void refreshDue() {
        for (Provider p : Provider.values()) {
            refresh(p, false);
        }
    }

    /** Fetches every source of {@code provider} now, regardless of TTL; returns their statuses. */
    public List<RefreshStatus> refreshNow(Provider provider) {
        return refresh(provider, true);
    }

    /** The status of every source, by source id. */
    public Map<String, RefreshStatus> status() {
        Map<String, RefreshStatus> out = new LinkedHashMap<>();
        for (State s : states.values()) {
            out.put(s.source.id(), s.status());
        }
        return out;
    }

    /** The statuses of {@code provider}'s sources. */
    public List<RefreshStatus> status(Provider provider) {
        return states.values().stream().filter(s -> s.source.provider() == provider).map(State::status).toList();
    }

    /**
     * How old {@code provider}'s live data is: the time since the oldest last good fetch among its sources (empty
     * when a source has never fetched successfully, i.e. some of its data is the bundled snapshot's). For metrics.
     */
    public Optional<Duration> dataAge(Provider provider) {
        Instant oldest = null;
        boolean any = false;
        for (State s : states.values()) {
            if (s.source.provider() != provider) {
                continue;
            }
            any = true;
            Instant t = s.lastSuccess;
            if (t == null) {
                return Optional.empty();
            }
            oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
        }
        return any ? Optional.of(Duration.between(oldest, clock.instant())) : Optional.empty();
    }

    public Optional<RefreshStatus> status(String sourceId) {
        return Optional.ofNullable(states.get(sourceId)).map(State::status);
    }

    private List<RefreshStatus> refresh(Provider provider, boolean force) {
        List<State> mine = states.values().stream().filter(s -> s.source.provider() == provider).toList();
        if (mine.isEmpty() || !enabled.contains(provider)) {
            return mine.stream().map(State::status).toList();
        }
        boolean isConfigured;
        try {
            isConfigured = configured.test(provider);
        } catch (RuntimeException e) {
            isConfigured = false;
        }
        boolean changed = false;
        for (State s : mine) {
            synchronized (s) {
                Instant now = clock.instant();
                if (!isConfigured && s.source.needsCredentials()) {
                    s.record(now, RefreshStatus.Outcome.NOT_CONFIGURED, "provider not configured");
                    continue;
                }
                if (!force && !s.due(now)) {
                    continue;
                }
                changed |= fetch(s, now);
            }
        }
        if (changed) {
            rebuild(provider, mine);
        }
        return mine.stream().map(State::status).toList();
    }

    /** One fetch; true when it succeeded (and so the catalog must be rebuilt). */
    private boolean fetch(State s, Instant now) {
        LivePriceSource src = s.source;
        Set<String> regions = new TreeSet<>(store.bundled().provider(src.provider()).regions().keySet());
        long t0 = System.nanoTime();
        try {
            LiveListing listing = src instanceof LiveDiscoverySource d ? d.discover() : null;
            if (listing != null && (listing.types().isEmpty() || listing.offerings().isEmpty())) {
                throw new ProviderException(src.provider(), io.cloudprovisioner.provider.ErrorClass.TRANSIENT,
                        io.cloudprovisioner.provider.ErrorScope.PROVIDER, "empty_listing",
                        "the provider's listing named no types or no regions");
            }
            List<LivePrice> prices = listing != null ? listing.offerings() : List.copyOf(src.fetch(regions));
            Instant at = clock.instant();
            PriceSource ps = new PriceSource(src.id(), src.provider(), "price", src.description(), src.origin(),
                    "", at.truncatedTo(ChronoUnit.SECONDS).toString(), true, false);
            s.good = new Fetched(ps, prices, listing);
            s.lastSuccess = at;
            s.record(now, RefreshStatus.Outcome.OK, "");
            LOG.infof("live prices %s: %d prices fetched in %d ms", src.id(), prices.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (RuntimeException e) {
            String detail = describe(e);
            s.record(now, RefreshStatus.Outcome.FAILED, detail);
            LOG.warnf("live prices %s: fetch failed (%s); keeping the %s prices", src.id(), detail,
                    s.good == null ? "bundled" : "previous live");
            return false;
        }
    }

    /** An error's class and provider code: never its message, which might quote a request or a secret. */
    static String describe(RuntimeException e) {
        if (e instanceof ProviderException pe) {
            return pe.errorClass() + (pe.providerCode().isEmpty() ? "" : " " + pe.providerCode());
        }
        return e.getClass().getSimpleName();
    }

    private void rebuild(Provider provider, List<State> mine) {
        synchronized (rebuild) {
            ProviderCatalog pc = store.bundled().provider(provider);
            for (State s : mine) {
                Fetched f = s.good;
                if (f != null && f.listing != null) {
                    ProviderCatalog.DiscoveryApplication d = pc.withDiscovery(f.listing);
                    pc = d.catalog();
                    s.addedTypes = d.addedTypes();
                    s.retiredTypes = d.retiredTypes();
                    s.addedOffers = d.addedOffers();
                    s.removedOffers = d.removedOffers();
                }
                if (f != null) {
                    ProviderCatalog.LiveApplication a = pc.withLivePrices(f.source, f.prices);
                    pc = a.catalog();
                    s.applied = a.applied();
                    s.ignored = a.ignored();
                }
            }
            store.replace(store.current().withProvider(pc));
        }
    }

    /** A good fetch: its prices and, from a {@link LiveDiscoverySource}, the listing they came with. */
    private record Fetched(PriceSource source, List<LivePrice> prices, LiveListing listing) {
    }

    private final class State {
        final LivePriceSource source;
        volatile Fetched good;
        volatile Instant lastAttempt;
        volatile Instant lastSuccess;
        volatile RefreshStatus.Outcome outcome = RefreshStatus.Outcome.NEVER;
        volatile String detail = "";
        volatile int applied;
        volatile int ignored;
        volatile int addedTypes;
        volatile int retiredTypes;
        volatile int addedOffers;
        volatile int removedOffers;

        State(LivePriceSource source) {
            this.source = source;
        }

        boolean due(Instant now) {
            if (lastSuccess != null && now.isBefore(lastSuccess.plus(ttl))) {
                return false;
            }
            return lastAttempt == null || outcome != RefreshStatus.Outcome.FAILED
                    || !now.isBefore(lastAttempt.plus(retryAfter));
        }

        void record(Instant at, RefreshStatus.Outcome o, String d) {
            lastAttempt = at;
            outcome = o;
            detail = d;
        }

        RefreshStatus status() {
            return new RefreshStatus(source.provider(), source.id(), lastAttempt, lastSuccess, outcome, detail,
                    applied, ignored, source instanceof LiveDiscoverySource, addedTypes, retiredTypes, addedOffers,
                    removedOffers);
        }
    }
}

package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refresher and {@link ProviderCatalog#withLivePrices} on a small synthetic catalog, with a mutable clock. */
class PriceRefresherTest {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;
    Catalog bundled;
    CatalogStore store;
    MutableClock clock;
    FakeSource doSource;
    FakeSource awsSpot;

    @BeforeEach
    void setUp() {
        CatalogFixture f = new CatalogFixture();
        f.type(Provider.DIGITALOCEAN, "s-1vcpu-1gb", 1, 1);
        f.type(Provider.DIGITALOCEAN, "s-2vcpu-2gb", 2, 2);
        f.offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3", 0.0074, null);
        f.offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "fra1", 0.0074, null);
        f.offer(Provider.DIGITALOCEAN, "s-2vcpu-2gb", "nyc3", 0.0179, null);
        f.type(Provider.VULTR, "vc2-1c-1gb", 1, 1);
        f.monthlyOffer(Provider.VULTR, "vc2-1c-1gb", "ewr", 5);
        f.type("m5.large", 2, 8);
        f.offer("m5.large", "us-east-1", 0.096, 0.04);
        f.offer("m5.large", "eu-west-1", 0.107, null);
        bundled = f.load(dir);
        store = new CatalogStore(bundled);
        clock = new MutableClock(T0);
        doSource = new FakeSource(Provider.DIGITALOCEAN, "digitalocean-sizes-live");
        awsSpot = new FakeSource(Provider.AWS, "aws-spot-price-history-live");
    }

    PriceRefresher refresher(Set<Provider> configured, FakeSource... sources) {
        return new PriceRefresher(store, List.of(sources), configured::contains, EnumSet.allOf(Provider.class),
                Duration.ofHours(6), Duration.ofMinutes(30), clock);
    }

    Offer offer(Provider p, String type, String region) {
        return store.current().provider(p).region(region).orElseThrow().offer(type);
    }

    @Test
    void liveOnDemandPriceReplacesTheSameTypeAndRegionOnly() {
        doSource.next = () -> List.of(
                LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.00893, 6.0),
                LivePrice.onDemand("c-2", "nyc3", 0.0625, 42.0), // type the catalog does not know
                LivePrice.onDemand("s-2vcpu-2gb", "fra1", 0.0179, 12.0), // known type, no offer in that region
                LivePrice.onDemand("s-1vcpu-1gb", "zzz9", 0.009, 6.0)); // unknown region
        clock.now = T0.plusSeconds(7);
        List<RefreshStatus> st = refresher(EnumSet.of(Provider.DIGITALOCEAN), doSource).refreshNow(Provider.DIGITALOCEAN);

        Offer nyc = offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3");
        assertEquals(0.00893, nyc.onDemand().usdPerHour(), 1e-12);
        assertEquals(6.0, nyc.onDemand().usdPerMonth(), 1e-12);
        assertFalse(nyc.onDemand().normalisedFromMonthly());
        PriceSource src = nyc.onDemand().source();
        assertEquals("digitalocean-sizes-live", src.id());
        assertTrue(src.live());
        assertEquals("2026-11-25T10:00:07Z", src.asOf());
        assertEquals("https://example.test/v2/sizes", src.origin());
        // elsewhere the bundled quotes stay
        Offer fra = offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "fra1");
        assertEquals(0.0074, fra.onDemand().usdPerHour(), 1e-12);
        assertFalse(fra.onDemand().source().live());
        assertEquals(0.0179, offer(Provider.DIGITALOCEAN, "s-2vcpu-2gb", "nyc3").onDemand().usdPerHour(), 1e-12);
        // nothing added
        ProviderCatalog pc = store.current().provider(Provider.DIGITALOCEAN);
        assertTrue(pc.type("c-2").isEmpty());
        assertNull(pc.region("nyc3").orElseThrow().offer("c-2"));
        assertNull(pc.region("fra1").orElseThrow().offer("s-2vcpu-2gb"));
        assertTrue(pc.region("zzz9").isEmpty());
        assertEquals(bundled.offerCount(), store.current().offerCount());
        // the new source is listed with the provider and resolvable by id
        assertTrue(pc.sources().stream().anyMatch(s -> s.id().equals("digitalocean-sizes-live") && s.live()));
        assertTrue(store.current().source("digitalocean-sizes-live").orElseThrow().live());
        // other providers untouched
        assertSame(bundled.provider(Provider.AWS), store.current().provider(Provider.AWS));
        assertEquals(1, st.size());
        assertEquals(RefreshStatus.Outcome.OK, st.get(0).outcome());
        assertEquals(1, st.get(0).applied());
        assertEquals(3, st.get(0).ignored());
        assertEquals(T0.plusSeconds(7), st.get(0).lastSuccess());
    }

    @Test
    void monthlyOnlyPriceIsNormalisedAndSpotOnlyPriceKeepsOnDemand() {
        FakeSource vultr = new FakeSource(Provider.VULTR, "vultr-plans-live");
        vultr.next = () -> List.of(new LivePrice("vc2-1c-1gb", "ewr", Double.NaN, Double.NaN, 6.0));
        awsSpot.next = () -> List.of(LivePrice.spot("m5.large", "us-east-1", 0.0351),
                LivePrice.spot("m5.large", "eu-west-1", 0.0402));
        PriceRefresher r = refresher(EnumSet.of(Provider.VULTR, Provider.AWS), vultr, awsSpot);
        r.refreshNow(Provider.VULTR);
        r.refreshNow(Provider.AWS);

        PriceQuote v = offer(Provider.VULTR, "vc2-1c-1gb", "ewr").onDemand();
        assertEquals(6.0 / 730, v.usdPerHour(), 1e-12);
        assertTrue(v.normalisedFromMonthly());
        assertEquals(6.0, v.usdPerMonth(), 1e-12);
        assertTrue(v.source().live());

        Offer use1 = offer(Provider.AWS, "m5.large", "us-east-1");
        assertEquals(0.096, use1.onDemand().usdPerHour(), 1e-12);
        assertFalse(use1.onDemand().source().live());
        assertEquals(0.0351, use1.spot().usdPerHour(), 1e-12);
        assertEquals("aws-spot-price-history-live", use1.spot().source().id());
        Offer euw1 = offer(Provider.AWS, "m5.large", "eu-west-1");
        assertEquals(0.0402, euw1.spot().usdPerHour(), 1e-12, "a spot price where the bundle had none");
        // the region's spot order reflects the new prices
        assertEquals("m5.large", store.current().provider(Provider.AWS).region("eu-west-1").orElseThrow()
                .sorted(true).get(0).type().name());
        assertEquals(0.0402, store.current().provider(Provider.AWS).region("eu-west-1").orElseThrow()
                .sorted(true).get(0).effectiveUsdPerHour(true), 1e-12);
    }

    @Test
    void nonPositiveAndNaNFiguresAreNeverUsed() {
        doSource.next = () -> List.of(new LivePrice("s-1vcpu-1gb", "nyc3", 0, Double.NaN, Double.NaN),
                new LivePrice("s-1vcpu-1gb", "fra1", Double.POSITIVE_INFINITY, -1, 0));
        PriceRefresher r = refresher(EnumSet.of(Provider.DIGITALOCEAN), doSource);
        assertEquals(0, r.refreshNow(Provider.DIGITALOCEAN).get(0).applied());
        assertSame(bundled.provider(Provider.DIGITALOCEAN).region("nyc3").orElseThrow().offer("s-1vcpu-1gb"),
                offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3"));
        assertEquals(0.0074, offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "fra1").onDemand().usdPerHour(), 1e-12);
    }

    @Test
    void failedFetchKeepsBundledThenOlderLivePricesAndRecordsNoSecret() {
        PriceRefresher r = refresher(EnumSet.of(Provider.DIGITALOCEAN), doSource);
        doSource.next = () -> {
            throw new ProviderException(Provider.DIGITALOCEAN, ErrorClass.AUTH, ErrorScope.PROVIDER, "unauthorized",
                    "token dop_v1_secretvalue rejected");
        };
        RefreshStatus failed = r.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, failed.outcome());
        assertEquals("AUTH unauthorized", failed.detail());
        assertNull(failed.lastSuccess());
        assertSame(bundled, store.current(), "no fetch succeeded: the bundled catalog stays in force");

        doSource.next = () -> List.of(LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.00893, 6.0));
        r.refreshNow(Provider.DIGITALOCEAN);
        String asOf = offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3").onDemand().source().asOf();

        clock.now = T0.plus(Duration.ofHours(7));
        doSource.next = () -> {
            throw new IllegalStateException("boom with https://user:secret@host");
        };
        RefreshStatus again = r.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, again.outcome());
        assertEquals("IllegalStateException", again.detail());
        assertEquals(T0, again.lastSuccess());
        assertEquals(T0.plus(Duration.ofHours(7)), again.lastAttempt());
        PriceQuote q = offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3").onDemand();
        assertEquals(0.00893, q.usdPerHour(), 1e-12, "the older live price is kept");
        assertEquals(asOf, q.source().asOf(), "and says how old it is");
    }

    @Test
    void ttlIsHonouredAndFailuresAreRetriedAfterTheRetryInterval() {
        doSource.next = () -> List.of(LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.00893, 6.0));
        PriceRefresher r = refresher(EnumSet.of(Provider.DIGITALOCEAN), doSource);
        r.refreshDue();
        assertEquals(1, doSource.calls);
        clock.now = T0.plus(Duration.ofHours(5).plusMinutes(59));
        r.refreshDue();
        assertEquals(1, doSource.calls, "within the TTL no fetch");
        clock.now = T0.plus(Duration.ofHours(6));
        doSource.next = () -> List.of(LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.0095, 6.5));
        r.refreshDue();
        assertEquals(2, doSource.calls, "TTL expired: fetched again");
        assertEquals(0.0095, offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3").onDemand().usdPerHour(), 1e-12);
        assertEquals("2026-11-25T16:00:00Z", offer(Provider.DIGITALOCEAN, "s-1vcpu-1gb", "nyc3").onDemand()
                .source().asOf());

        clock.now = T0.plus(Duration.ofHours(12));
        doSource.next = () -> {
            throw new IllegalStateException("down");
        };
        r.refreshDue();
        assertEquals(3, doSource.calls);
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        r.refreshDue();
        assertEquals(3, doSource.calls, "a failure is not retried before retry-after");
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        r.refreshDue();
        assertEquals(4, doSource.calls);
        r.refreshNow(Provider.DIGITALOCEAN);
        assertEquals(5, doSource.calls, "refreshNow ignores the TTL");
    }

    @Test
    void aPublicPriceApiIsFetchedForAnUnconfiguredProvider() {
        doSource.needsCredentials = false;
        doSource.next = () -> List.of(LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.0119, 8.0));
        PriceRefresher r = refresher(EnumSet.noneOf(Provider.class), doSource);
        RefreshStatus s = r.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString());
        assertEquals(1, doSource.calls);
        assertEquals(0.0119, store.current().provider(Provider.DIGITALOCEAN).region("nyc3").orElseThrow()
                .offer("s-1vcpu-1gb").onDemand().usdPerHour(), 1e-9);
    }

    @Test
    void unconfiguredOrDisabledProvidersAreNeverFetched() {
        doSource.next = () -> List.of(LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.00893, 6.0));
        PriceRefresher r = refresher(EnumSet.noneOf(Provider.class), doSource);
        RefreshStatus s = r.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(RefreshStatus.Outcome.NOT_CONFIGURED, s.outcome());
        assertEquals(0, doSource.calls);
        assertSame(bundled, store.current());

        PriceRefresher disabled = new PriceRefresher(store, List.of(doSource), p -> true,
                EnumSet.of(Provider.AWS), Duration.ofHours(6), Duration.ofMinutes(30), clock);
        disabled.refreshDue();
        disabled.refreshNow(Provider.DIGITALOCEAN);
        assertEquals(0, doSource.calls);
        assertEquals(RefreshStatus.Outcome.NEVER, disabled.status("digitalocean-sizes-live").orElseThrow().outcome());
    }

    @Test
    void twoSourcesOfOneProviderBothApplyAfterEitherRefreshes() {
        FakeSource onDemand = new FakeSource(Provider.AWS, "aws-price-list-live");
        onDemand.next = () -> List.of(LivePrice.onDemand("m5.large", "us-east-1", 0.099, Double.NaN));
        awsSpot.next = () -> List.of(LivePrice.spot("m5.large", "us-east-1", 0.031));
        PriceRefresher r = refresher(EnumSet.of(Provider.AWS), onDemand, awsSpot);
        r.refreshNow(Provider.AWS);
        awsSpot.next = () -> {
            throw new IllegalStateException("down");
        };
        r.refreshNow(Provider.AWS);
        Offer o = offer(Provider.AWS, "m5.large", "us-east-1");
        assertEquals(0.099, o.onDemand().usdPerHour(), 1e-12);
        assertEquals("aws-price-list-live", o.onDemand().source().id());
        assertEquals(0.031, o.spot().usdPerHour(), 1e-12, "the failed spot source keeps its previous live price");
        assertEquals("aws-spot-price-history-live", o.spot().source().id());
    }

    @Test
    void theScheduleFetchesOnItsOwnThreadAndStops() throws InterruptedException {
        java.util.concurrent.CountDownLatch fetched = new java.util.concurrent.CountDownLatch(1);
        String[] thread = new String[1];
        doSource.next = () -> {
            thread[0] = Thread.currentThread().getName();
            fetched.countDown();
            return List.of(LivePrice.onDemand("s-1vcpu-1gb", "nyc3", 0.00893, 6.0));
        };
        PriceRefresher r = refresher(EnumSet.of(Provider.DIGITALOCEAN), doSource);
        r.startSchedule(Duration.ofMillis(100));
        try {
            assertTrue(fetched.await(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            assertTrue(r.stopSchedule());
        }
        assertEquals("price-refresher", thread[0]);
        Thread.sleep(300);
        assertEquals(1, doSource.calls, "within the TTL the schedule does not fetch again");
        assertTrue(r.stopSchedule(), "stopping twice is harmless");
    }

    static final class FakeSource implements LivePriceSource {
        final Provider provider;
        final String id;
        Supplier<List<LivePrice>> next = List::of;
        int calls;
        boolean needsCredentials = true;
        final List<Set<String>> regionsAsked = new ArrayList<>();

        @Override
        public boolean needsCredentials() {
            return needsCredentials;
        }

        FakeSource(Provider provider, String id) {
            this.provider = provider;
            this.id = id;
        }

        @Override
        public Provider provider() {
            return provider;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return "fake";
        }

        @Override
        public String origin() {
            return "https://example.test/v2/sizes";
        }

        @Override
        public List<LivePrice> fetch(Set<String> regions) {
            calls++;
            regionsAsked.add(regions);
            return next.get();
        }
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

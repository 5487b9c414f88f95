package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the rebuilt bundled catalog answers: constrained-vCPU sizes are matched on their active vCPUs, unpriced types
 * are listed but never chosen, spot prices are used where a request allows spot, DigitalOcean's inferred offers are
 * marked, and prices older than the configured age are stale.
 */
class BundledCatalogTest {
    /** A fixed "now" so that the staleness figures do not drift with the calendar. */
    static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    static Catalog catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLoader.loadBundled(new Staleness(Duration.ofDays(365), NOW));
    }

    private static RegionOffers region(Provider p, String region) {
        return catalog.provider(p).region(region).orElseThrow();
    }

    @Test
    void aThirtyTwoVcpuRequestIsNotAnsweredWithAConstrainedSixteenVcpuSize() {
        for (String r : new String[] {"eastus", "westeurope", "eastus2"}) {
            RegionOffers offers = region(Provider.AZURE, r);
            ResourceSpec spec = ResourceSpec.of(32, 256);
            MappingResult m = InstanceTypeMapper.map(offers, spec, MappingPolicy.DEFAULT, 3, true);
            assertTrue(m.found(), r);
            assertTrue(m.offer().type().vcpus() >= 32, r + ": " + m.offer().type());
            for (Offer alt : m.alternatives()) {
                assertTrue(alt.type().vcpus() >= 32, r + " alternative " + alt.type());
            }
            assertEquals(m.offer(), InstanceTypeMapper.cheapest(offers, spec, MappingPolicy.DEFAULT), r);
            // Every constrained size whose nominal count would have matched is rejected on CPU.
            int constrained = 0;
            for (Offer o : offers.sorted(false)) {
                InstanceTypeSpec t = o.type();
                if (t.nominalVcpus() >= 32 && t.vcpus() < 32 && o.priced() && t.memoryGib() >= 256) {
                    constrained++;
                    assertEquals(Constraint.CPU, InstanceTypeMapper.check(o, spec, MappingPolicy.DEFAULT, false),
                            t.name());
                }
            }
            assertTrue(constrained > 0, r + " has constrained 32-vCPU sizes");
        }
        // The pick the old catalog gave in eastus (nominal 32, active 16) is now a 16-vCPU machine.
        InstanceTypeSpec e32 = region(Provider.AZURE, "eastus").offer("Standard_E32-16as_v4").type();
        assertEquals(16, e32.vcpus());
        assertEquals(32, e32.nominalVcpus());
        assertEquals(256, e32.memoryGib());
        assertTrue(e32.specDerived());
        // A 16-vCPU request may use it: the active count is what the instance can run on.
        Offer o = region(Provider.AZURE, "eastus").offer("Standard_E32-16as_v4");
        assertNull(InstanceTypeMapper.check(o, ResourceSpec.of(16, 256), MappingPolicy.DEFAULT, false));
        assertEquals(0, region(Provider.AZURE, "eastus").offer("Standard_E32as_v4").type().nominalVcpus());
    }

    @Test
    void aListedTypeWithoutAPriceIsNeverChosen() {
        RegionOffers us = null;
        Offer unpriced = null;
        for (RegionOffers ro : catalog.provider(Provider.GCP).regions().values()) {
            Offer o = ro.offer("n1-megamem-96");
            if (o != null) {
                us = ro;
                unpriced = o;
                break;
            }
        }
        assertNotNull(unpriced, "n1-megamem-96 is listed");
        assertNull(unpriced.onDemand());
        ResourceSpec spec = ResourceSpec.of(unpriced.type().vcpus(), unpriced.type().memoryGib());
        assertEquals(Constraint.PRICE_UNKNOWN, InstanceTypeMapper.check(unpriced, spec, MappingPolicy.DEFAULT, false));
        MappingResult m = InstanceTypeMapper.map(us, spec, MappingPolicy.DEFAULT, 20, true);
        if (m.found()) {
            assertTrue(m.offer().priced());
            assertFalse(m.alternatives().stream().anyMatch(a -> a.type().name().equals("n1-megamem-96")));
        }
    }

    @Test
    void gcpSpotPricesAreUsedWhenTheRequestAllowsSpot() {
        RegionOffers r = region(Provider.GCP, "us-central1");
        MappingResult onDemand = InstanceTypeMapper.map(r, ResourceSpec.of(4, 16), MappingPolicy.DEFAULT, 0, false);
        MappingResult spot = InstanceTypeMapper.map(r, ResourceSpec.of(4, 16).withSpot(true), MappingPolicy.DEFAULT, 0,
                false);
        assertTrue(spot.spot());
        assertEquals(spot.offer().spot(), spot.effectivePrice());
        assertTrue(spot.effectivePrice().source().id().startsWith("gcp-prices-"), spot.effectivePrice().source().id());
        assertFalse(spot.effectivePrice().source().asOf().isEmpty(), "GCP spot prices are dated");
        assertTrue(spot.effectivePrice().usdPerHour() < onDemand.effectivePrice().usdPerHour());
        // GPUs of g2 (L4) and a3 (H100) are in the catalog and chosen by model.
        MappingResult l4 = InstanceTypeMapper.map(r, ResourceSpec.of(4, 16).withGpus(1, "l4"), MappingPolicy.DEFAULT,
                0, false);
        assertTrue(l4.found());
        assertEquals("nvidia l4", l4.offer().type().gpuModel());
        assertTrue(l4.offer().type().name().startsWith("g2-"), l4.offer().type().name());
        boolean h100 = catalog.provider(Provider.GCP).regions().values().stream().anyMatch(ro -> {
            MappingResult h = InstanceTypeMapper.map(ro, ResourceSpec.of(8, 64).withGpus(8, "h100"),
                    MappingPolicy.DEFAULT, 0, false);
            return h.found() && h.offer().type().gpuCount() == 8;
        });
        assertTrue(h100, "8 x H100 somewhere on GCP");
    }

    @Test
    void digitalOceanSizesWithoutARegionListAreOfferedAsUnconfirmed() {
        RegionOffers nyc3 = region(Provider.DIGITALOCEAN, "nyc3");
        Offer s1 = nyc3.offer("s-1vcpu-2gb");
        assertNotNull(s1);
        assertFalse(s1.availabilityConfirmed());
        assertEquals(12, s1.onDemand().usdPerMonth());
        assertTrue(region(Provider.DIGITALOCEAN, "nyc1").offer("s-1vcpu-1gb").availabilityConfirmed());
        for (String slug : new String[] {"c-2", "m-2vcpu-16gb", "g-2vcpu-8gb", "so-2vcpu-16gb"}) {
            assertNotNull(nyc3.offer(slug), slug);
        }
        MappingResult m = InstanceTypeMapper.map(nyc3, ResourceSpec.of(2, 4), MappingPolicy.DEFAULT, 0, false);
        assertTrue(m.found());
        assertTrue(m.effectivePrice().usdPerHour() <= nyc3.offer("s-2vcpu-4gb").onDemand().usdPerHour());
        // every other provider's offers are all confirmed
        for (Provider p : Provider.values()) {
            if (p == Provider.DIGITALOCEAN) {
                continue;
            }
            assertTrue(catalog.provider(p).regions().values().stream()
                    .allMatch(ro -> ro.sorted(false).stream().allMatch(Offer::availabilityConfirmed)), p.id());
        }
    }

    @Test
    void pricesOlderThanTheConfiguredAgeAreStaleAndCountedPerProvider() {
        PriceFreshness aws = catalog.provider(Provider.AWS).priceFreshness();
        assertEquals("2023-08-06T15:34:36Z", aws.oldestAsOf());
        assertEquals("2026-07-20T13:44:38Z", aws.newestAsOf());
        assertEquals(0, aws.undated());
        assertTrue(aws.stale() > 0 && aws.stale() < aws.prices(), aws.toString());
        // recount independently: each quote is stale exactly when its source is older than 365 days before NOW
        for (Provider p : Provider.values()) {
            int prices = 0;
            int stale = 0;
            Set<String> seen = new HashSet<>();
            for (RegionOffers ro : catalog.provider(p).regions().values()) {
                for (Offer o : ro.sorted(false)) {
                    for (PriceQuote q : new PriceQuote[] {o.onDemand(), o.spot()}) {
                        if (q == null) {
                            continue;
                        }
                        prices++;
                        String asOf = q.source().asOf();
                        boolean old = Staleness.instant(asOf).map(t -> t.isBefore(NOW.minus(Duration.ofDays(365))))
                                .orElse(true);
                        assertEquals(old, q.source().stale(), q.source().id() + " " + asOf);
                        if (old) {
                            stale++;
                        }
                        seen.add(q.source().id());
                    }
                }
            }
            PriceFreshness f = catalog.provider(p).priceFreshness();
            assertEquals(prices, f.prices(), p.id());
            assertEquals(stale, f.stale(), p.id() + " " + seen);
        }
        assertFalse(catalog.source("gcp-prices-karpenter").orElseThrow().stale());
        assertTrue(catalog.source("aws-prices-libcloud").orElseThrow().stale());
        assertTrue(catalog.source("azure-spot-skypilot").orElseThrow().stale(), "undated counts as stale");
        // a longer configured age makes the 2023 figures current again
        Catalog lenient = CatalogLoader.loadBundled(new Staleness(Duration.ofDays(3650), NOW));
        assertFalse(lenient.source("aws-prices-libcloud").orElseThrow().stale());
        assertEquals(lenient.provider(Provider.AWS).priceFreshness().prices(), aws.prices());
        assertEquals(0, lenient.provider(Provider.AWS).priceFreshness().stale());
    }

    @Test
    void theStoreMarksStalenessWithTheConfiguredAge() {
        CatalogStore lenient = new CatalogStore();
        lenient.staleAfter = Duration.ofDays(36500);
        assertFalse(lenient.current().source("aws-prices-libcloud").orElseThrow().stale());
        assertEquals(Duration.ofDays(36500), lenient.staleAfter());
        CatalogStore strict = new CatalogStore();
        strict.staleAfter = Duration.ofDays(1);
        assertTrue(strict.current().source("gcp-prices-karpenter").orElseThrow().stale());
        assertEquals(strict.current().provider(Provider.GCP).priceFreshness().prices(),
                strict.current().provider(Provider.GCP).priceFreshness().stale());
    }

    @Test
    void stalenessReadsEveryAsOfFormOfTheSources() {
        Staleness s = new Staleness(Duration.ofDays(365), NOW);
        assertFalse(s.stale("2026-08-02"));
        assertFalse(s.stale("2026-07-20T13:44:30Z"));
        assertFalse(s.stale("2026-08-03T07:33:56+00:00"));
        assertTrue(s.stale("2025-06-23T18:48:01-04:00"));
        assertTrue(s.stale("2025-12-06"));
        assertFalse(s.stale("2025-12-08"));
        assertTrue(s.stale(""), "undated");
        assertTrue(s.stale("not a date"), "unreadable = undated");
        assertEquals(Instant.parse("2025-06-23T22:48:01Z"), Staleness.instant("2025-06-23T18:48:01-04:00").get());
    }
}

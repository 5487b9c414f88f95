package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.TeeTechnology;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled catalog loads and is consistent; malformed files fail with a message naming file and line. */
class CatalogLoaderTest {
    private static Catalog bundled;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        bundled = CatalogLoader.loadBundled();
    }

    @Test
    void bundledCatalogLoads() {
        assertTrue(bundled.offerCount() > 1000, "offers: " + bundled.offerCount());
        for (Provider p : Provider.values()) {
            ProviderCatalog pc = bundled.provider(p);
            assertSame(p, pc.provider());
            assertFalse(pc.types().isEmpty(), p + " has types");
            assertFalse(pc.regions().isEmpty(), p + " has at least one region");
            assertFalse(pc.sources().isEmpty(), p + " has sources");
            long priced = pc.regions().values().stream().flatMap(r -> r.sorted(false).stream())
                    .filter(Offer::priced).count();
            assertTrue(priced >= 1, p + " has at least one priced offer");
            for (PriceSource s : pc.sources()) {
                assertSame(p, s.provider());
            }
        }
    }

    @Test
    void everyOfferIsConsistent() {
        int offers = 0;
        for (Provider p : Provider.values()) {
            ProviderCatalog pc = bundled.provider(p);
            for (var e : pc.regions().entrySet()) {
                RegionOffers r = e.getValue();
                assertEquals(e.getKey(), r.region());
                assertEquals(r.size(), r.sorted(true).size());
                for (Offer o : r.sorted(false)) {
                    offers++;
                    String problem = problem(pc, r, o);
                    if (problem != null) {
                        fail(p.id() + "/" + r.region() + "/" + o.type().name() + ": " + problem);
                    }
                }
            }
        }
        assertEquals(bundled.offerCount(), offers);
    }

    /** What is wrong with one bundled offer, or null (messages built only on failure: 65k offers). */
    private static String problem(ProviderCatalog pc, RegionOffers r, Offer o) {
        if (!r.region().equals(o.region())) {
            return "region " + o.region();
        }
        if (o.type().provider() != pc.provider()) {
            return "type of " + o.type().provider();
        }
        if (pc.type(o.type().name()).orElse(null) != o.type()) {
            return "type not in the provider's catalog";
        }
        if (r.offer(o.type().name()) != o) {
            return "not found by name";
        }
        if (!(o.type().vcpus() > 0 && o.type().memoryGib() > 0)) {
            return "vcpus / memory";
        }
        if (bundled.source(o.type().specSource()).isEmpty()) {
            return "unknown spec source " + o.type().specSource();
        }
        for (PriceQuote q : new PriceQuote[] { o.onDemand(), o.spot() }) {
            if (q == null) {
                continue;
            }
            if (!(q.usdPerHour() > 0) || !Double.isFinite(q.usdPerHour())) {
                return "price " + q;
            }
            if (q.source() == null || q.source().id() == null || q.source().id().isBlank()) {
                return "price without a source " + q;
            }
            if (q.source().provider() != pc.provider()) {
                return "source of another provider " + q.source();
            }
            if (!q.source().equals(bundled.source(q.source().id()).orElse(null))) {
                return "source not in the catalog " + q.source();
            }
        }
        if (o.spot() != null && o.spot().normalisedFromMonthly()) {
            return "monthly spot price";
        }
        return null;
    }

    @Test
    void vultrPricesAreNormalisedFromMonthly() {
        ProviderCatalog vultr = bundled.provider(Provider.VULTR);
        assertTrue(vultr.monthlyBilling());
        int n = 0;
        for (RegionOffers r : vultr.regions().values()) {
            for (Offer o : r.sorted(false)) {
                if (o.onDemand() == null) {
                    continue;
                }
                n++;
                PriceQuote q = o.onDemand();
                assertTrue(q.normalisedFromMonthly(), o.type().name());
                assertTrue(q.usdPerMonth() > 0, o.type().name());
                assertEquals(q.usdPerMonth() / PriceQuote.HOURS_PER_MONTH, q.usdPerHour(), 1e-6,
                        o.type().name() + " in " + r.region());
            }
        }
        assertTrue(n > 0);
        assertEquals(730.0, PriceQuote.HOURS_PER_MONTH);
    }

    @Test
    void capabilitiesReadFromData() {
        assertTrue(bundled.provider(Provider.AWS).hasTee());
        assertTrue(bundled.provider(Provider.GCP).hasTee());
        assertTrue(bundled.provider(Provider.AZURE).hasTee());
        assertFalse(bundled.provider(Provider.DIGITALOCEAN).hasTee());
        assertFalse(bundled.provider(Provider.VULTR).hasTee());
        assertFalse(bundled.provider(Provider.AWS).monthlyBilling());
    }

    // ---- synthetic files through the real loader ----------------------------------------------------------------

    private CatalogFixture valid() {
        CatalogFixture f = new CatalogFixture();
        f.type("m5.large", 2, 8).generation(5);
        f.type(Provider.VULTR, "vc2-1c-1gb", 1, 1);
        f.offer("m5.large", "us-east-1", 0.096, 0.03);
        f.monthlyOffer(Provider.VULTR, "vc2-1c-1gb", "ewr", 5);
        return f;
    }

    @Test
    void syntheticCatalogLoadsWithEveryField() {
        CatalogFixture f = valid();
        f.type(Provider.AZURE, "Standard_DC4as_v5", 4, 16).family("DCasv5").tee("AMD_SEV;AMD_SEV_SNP").arm()
                .burstable().sharedCore().bareMetal().retired().gpus(2, "nvidia a10").generation(5);
        f.offer(Provider.AZURE, "Standard_DC4as_v5", "eastus", 0.172, null);
        Catalog c = f.load(dir);
        assertEquals(3, c.offerCount());
        InstanceTypeSpec t = c.provider(Provider.AZURE).type("Standard_DC4as_v5").orElseThrow();
        assertEquals(new InstanceTypeSpec(Provider.AZURE, "Standard_DC4as_v5", "DCasv5", 5, 4, 0, 16, 2, "nvidia a10",
                Architecture.ARM64, true, true, true, Set.of(TeeTechnology.AMD_SEV, TeeTechnology.AMD_SEV_SNP),
                "azure-spec", false, true), t);
        Offer m5 = c.provider(Provider.AWS).region("us-east-1").orElseThrow().offer("m5.large");
        assertEquals(0.096, m5.onDemand().usdPerHour(), 1e-12);
        assertEquals(0.03, m5.spot().usdPerHour(), 1e-12);
        assertFalse(m5.onDemand().normalisedFromMonthly());
        assertEquals("aws-price", m5.onDemand().source().id());
        assertEquals("synthetic specs, for tests", c.source("aws-spec").orElseThrow().description(),
                "quoted CSV field with a comma");
        Offer v = c.provider(Provider.VULTR).region("ewr").orElseThrow().offer("vc2-1c-1gb");
        assertTrue(v.onDemand().normalisedFromMonthly());
        assertEquals(5, v.onDemand().usdPerMonth(), 0);
        assertEquals(5 / 730.0, v.onDemand().usdPerHour(), 1e-9);
        assertTrue(c.provider(Provider.GCP).regions().isEmpty(), "a provider without rows is empty, not missing");
    }

    private String failure(Consumer<CatalogFixture> breakIt) {
        CatalogFixture f = valid();
        breakIt.accept(f);
        RuntimeException e = assertThrows(RuntimeException.class, () -> f.load(dir));
        assertNotNull(e.getMessage());
        return e.getMessage();
    }

    private static void assertNames(String msg, String fileAndLine, String... words) {
        assertTrue(msg.contains(fileAndLine), "'" + msg + "' should name " + fileAndLine);
        for (String w : words) {
            assertTrue(msg.contains(w), "'" + msg + "' should mention " + w);
        }
    }

    @Test
    void unknownProviderFails() {
        // sources.csv: 10 generated sources occupy lines 2..11, so the raw one is line 12
        assertNames(failure(f -> f.rawSource("x-price,oracle,price,d,o,l,2026-01-01")), "sources.csv:12", "oracle");
        // instance-types.csv: 2 typed rows (lines 2, 3), the raw row is line 4
        assertNames(failure(f -> f.rawType("ibm,bx2-2x8,bx2,2,2,8,0,,x86_64,false,false,false,,aws-spec,false,"
                + "false")), "instance-types.csv:4", "ibm");
        // offers.csv: 2 rows, the raw one is line 4
        assertNames(failure(f -> f.rawOffer("linode,m5.large,us-east-1,0.1,,aws-price,,hourly,")), "offers.csv:4",
                "linode");
    }

    @Test
    void offerOfUnknownTypeFails() {
        assertNames(failure(f -> f.offer("m5.huge", "us-east-1", 1.0, null)), "offers.csv:4", "m5.huge");
        // a type of another provider is unknown too
        assertNames(failure(f -> f.offer(Provider.GCP, "m5.large", "us-central1", 1.0, null)), "offers.csv:4",
                "m5.large");
    }

    @Test
    void aZoneIsNeverARegion() {
        assertNames(failure(f -> f.offer("m5.large", "us-west-2-lax-1", 1.0, null)), "offers.csv:4",
                "us-west-2-lax-1", "AWS Local Zone", "of region us-west-2");
        for (Provider p : Provider.values()) {
            for (String region : bundled.provider(p).regions().keySet()) {
                assertTrue(ZoneNames.zone(p, region).isEmpty(), p.id() + " region " + region + " is a zone name");
            }
        }
        assertTrue(bundled.provider(Provider.AWS).region("us-west-2").isPresent());
    }

    @Test
    void nonPositivePricesFail() {
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,0,,aws-price,,hourly,")), "offers.csv:4",
                "on_demand_usd_per_hour");
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,-0.5,,aws-price,,hourly,")), "offers.csv:4",
                "on_demand_usd_per_hour", "-0.5");
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,0.1,0,aws-price,aws-price,hourly,")),
                "offers.csv:4", "spot_usd_per_hour");
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,0.1,-1,aws-price,aws-price,hourly,")),
                "offers.csv:4", "spot_usd_per_hour");
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,Infinity,,aws-price,,hourly,")),
                "offers.csv:4", "on_demand_usd_per_hour");
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,abc,,aws-price,,hourly,")), "offers.csv:4",
                "abc");
    }

    @Test
    void unknownSourceIdFails() {
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,0.1,,nowhere,,hourly,")), "offers.csv:4",
                "nowhere");
        assertNames(failure(f -> f.rawOffer("aws,m5.large,us-west-2,0.1,0.05,aws-price,nowhere-spot,hourly,")),
                "offers.csv:4", "nowhere-spot");
        assertNames(failure(f -> f.rawType("aws,m5.xlarge,m5,5,4,16,0,,x86_64,false,false,false,,nowhere-spec,"
                + "false,false")), "instance-types.csv:4", "nowhere-spec");
    }

    @Test
    void otherInconsistenciesFail() {
        assertNames(failure(f -> f.rawSource("aws-price,aws,price,again,o,l,")), "sources.csv:12", "aws-price");
        assertNames(failure(f -> f.rawType("aws,m5.large,m5,5,2,8,0,,x86_64,false,false,false,,aws-spec,false,"
                + "false")), "instance-types.csv:4", "m5.large");
        assertNames(failure(f -> f.rawType("aws,m5.xlarge,m5,5,0,16,0,,x86_64,false,false,false,,aws-spec,false,"
                + "false")), "instance-types.csv:4", "vcpus");
        assertNames(failure(f -> f.rawType("aws,m5.xlarge,m5,5,4,16,0,,sparc,false,false,false,,aws-spec,false,"
                + "false")), "instance-types.csv:4", "sparc");
    }

    @Test
    void unknownTeeTechnologyNamesFileAndLine() {
        assertNames(failure(f -> f.rawType("aws,m5.xlarge,m5,5,4,16,0,,x86_64,false,false,false,ARM_CCA,aws-spec,"
                + "false,false")), "instance-types.csv:4", "ARM_CCA");
    }

    /** The fixture's files with a column appended to one file: {@code values} per data row, in order. */
    private Catalog loadWithColumn(String file, String column, String... values) throws java.io.IOException {
        valid().write(dir);
        java.nio.file.Path f = dir.resolve(file);
        java.util.List<String> lines = java.nio.file.Files.readAllLines(f);
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(lines.get(0) + "," + column);
        for (int i = 1; i < lines.size(); i++) {
            out.add(lines.get(i) + "," + values[i - 1]);
        }
        java.nio.file.Files.write(f, out);
        try (var cl = new java.net.URLClassLoader(new java.net.URL[] { dir.toUri().toURL() }, null)) {
            return CatalogLoader.load("", cl);
        }
    }

    @Test
    void nominalVcpusAndAvailabilityColumnsAreReadAndChecked() throws java.io.IOException {
        // absent columns: no nominal count, availability confirmed
        Catalog plain = valid().load(dir);
        assertEquals(0, plain.provider(Provider.AWS).type("m5.large").orElseThrow().nominalVcpus());
        assertTrue(plain.provider(Provider.AWS).region("us-east-1").orElseThrow().offer("m5.large")
                .availabilityConfirmed());
        Catalog c = loadWithColumn("instance-types.csv", "nominal_vcpus", "8", "");
        assertEquals(8, c.provider(Provider.AWS).type("m5.large").orElseThrow().nominalVcpus());
        assertEquals(0, c.provider(Provider.VULTR).type("vc2-1c-1gb").orElseThrow().nominalVcpus());
        Catalog a = loadWithColumn("offers.csv", "availability_confirmed", "false", "true");
        long unconfirmed = a.provider(Provider.AWS).regions().values().stream()
                .flatMap(r -> r.sorted(false).stream()).filter(o -> !o.availabilityConfirmed()).count();
        assertEquals(1, unconfirmed);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loadWithColumn("instance-types.csv", "nominal_vcpus", "2", ""));
        assertNames(e.getMessage(), "instance-types.csv:2", "nominal_vcpus");
        e = assertThrows(IllegalStateException.class,
                () -> loadWithColumn("offers.csv", "availability_confirmed", "true", "maybe"));
        assertNames(e.getMessage(), "offers.csv:3", "availability_confirmed");
    }

    @Test
    void missingFileFails() {
        valid().write(dir);
        assertTrue(dir.resolve("offers.csv").toFile().delete());
        try (var cl = new java.net.URLClassLoader(new java.net.URL[] { dir.toUri().toURL() }, null)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> CatalogLoader.load("", cl));
            assertTrue(e.getCause().getMessage().contains("offers.csv"), e.getCause().getMessage());
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

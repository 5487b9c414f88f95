package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference design's representative picks, over the real bundled catalog: our pick satisfies the spec and
 * costs no more (on demand, same region, by our catalog) than the reference's pick.
 */
class ReferenceRegressionTest {
    private static Catalog catalog;
    private static final List<String> TABLE = new ArrayList<>();

    @BeforeAll
    static void load() {
        catalog = CatalogLoader.loadBundled();
    }

    @AfterAll
    static void printTable() {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %-20s %-11s %-22s %-11s%n", "spec", "reference", "ref $/h", "ours",
                "our $/h");
        TABLE.forEach(System.out::println);
    }

    private static void row(String spec, String ref, Double refPrice, MappingResult ours) {
        TABLE.add(String.format(Locale.ROOT, "%-34s %-20s %-11s %-22s %-11s", spec, ref,
                refPrice == null ? "no price" : String.format(Locale.ROOT, "%.6f", refPrice),
                ours.found() ? ours.offer().type().name() : "(none)",
                ours.found() ? String.format(Locale.ROOT, "%.6f", ours.effectivePrice().usdPerHour()) : "-"));
    }

    private static RegionOffers region(Provider p, String region) {
        return catalog.provider(p).region(region)
                .orElseThrow(() -> new AssertionError("catalog has no region " + p.id() + "/" + region));
    }

    /** Independent check that an instance type satisfies a plain (no GPU) request. */
    private static boolean satisfies(InstanceTypeSpec t, ResourceSpec spec) {
        boolean tee = !spec.requireTee() || t.tee().stream().anyMatch(spec.teeTechnologies()::contains);
        return !t.retired() && t.vcpus() >= spec.cpu() && t.memoryGib() >= spec.memoryGib() && t.gpuCount() == 0
                && t.architecture() == Architecture.X86_64 && tee;
    }

    private static MappingResult ours(Provider p, String regionId, ResourceSpec spec) {
        return InstanceTypeMapper.map(region(p, regionId), spec, MappingPolicy.DEFAULT, 0, true);
    }

    /**
     * Asserts our pick satisfies {@code spec} and costs no more than {@code reference} in the same region. The
     * reference type must be priced there and satisfy the spec itself.
     */
    private static void assertAtLeastAsGood(Provider p, String regionId, ResourceSpec spec, String reference) {
        String label = p.id() + " " + regionId + " " + fmt(spec.cpu()) + "/" + fmt(spec.memoryGib())
                + (spec.requireTee() ? " TEE" : "");
        MappingResult m = ours(p, regionId, spec);
        Offer ref = region(p, regionId).offer(reference);
        row(label, reference, ref == null || ref.onDemand() == null ? null : ref.onDemand().usdPerHour(), m);
        assertTrue(m.found(), label + ": no pick; " + m.summary());
        assertFalse(m.spot());
        assertTrue(satisfies(m.offer().type(), spec), label + ": our pick " + m.offer().type());
        assertNotNull(ref, label + ": reference " + reference + " not offered in the catalog");
        assertNotNull(ref.onDemand(), label + ": reference " + reference + " has no on-demand price");
        assertTrue(satisfies(ref.type(), spec), label + ": the reference " + ref.type() + " satisfies the spec");
        assertTrue(m.offer().onDemand().usdPerHour() <= ref.onDemand().usdPerHour(), label + ": ours "
                + m.summary() + " costs more than " + reference + " at " + ref.onDemand().usdPerHour());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    @Test
    void awsGeneralPurpose() {
        assertAtLeastAsGood(Provider.AWS, "us-east-1", ResourceSpec.of(4, 16), "m6i.xlarge");
    }

    @Test
    void gcpSmall() {
        assertAtLeastAsGood(Provider.GCP, "us-central1", ResourceSpec.of(2, 4), "e2-medium");
    }

    @Test
    void gcpReferenceForTwoByEightWasWrong() {
        // The reference used e2-medium for 2 vCPU / 8 GiB, but e2-medium has 4 GiB.
        ResourceSpec spec = ResourceSpec.of(2, 8);
        InstanceTypeSpec e2medium = catalog.provider(Provider.GCP).type("e2-medium").orElseThrow();
        assertEquals(2, e2medium.vcpus(), 0);
        assertEquals(4, e2medium.memoryGib(), 0);
        assertFalse(satisfies(e2medium, spec), "e2-medium does not satisfy 2/8");
        Offer ref = region(Provider.GCP, "us-central1").offer("e2-medium");
        assertFalse(InstanceTypeMapper.check(ref, spec, MappingPolicy.DEFAULT, false) == null);
        MappingResult m = ours(Provider.GCP, "us-central1", spec);
        row("gcp us-central1 2/8 (ref wrong)", "e2-medium", ref.onDemand().usdPerHour(), m);
        assertTrue(m.found(), m.summary());
        assertTrue(satisfies(m.offer().type(), spec), "our 2/8 pick " + m.offer().type());
        assertTrue(m.offer().type().memoryGib() >= 8);
    }

    @Test
    void azureGeneralPurpose() {
        assertAtLeastAsGood(Provider.AZURE, "eastus", ResourceSpec.of(4, 16), "Standard_D4s_v5");
    }

    @Test
    void digitalOceanSmall() {
        ResourceSpec spec = ResourceSpec.of(2, 4);
        String reference = "s-2vcpu-4gb";
        ProviderCatalog doc = catalog.provider(Provider.DIGITALOCEAN);
        int regions = 0;
        for (String regionId : doc.regions().keySet()) {
            MappingResult m = ours(Provider.DIGITALOCEAN, regionId, spec);
            Offer ref = region(Provider.DIGITALOCEAN, regionId).offer(reference);
            if (ref != null && ref.onDemand() != null) {
                assertAtLeastAsGood(Provider.DIGITALOCEAN, regionId, spec, reference);
            } else if (m.found()) {
                row("digitalocean " + regionId + " 2/4", reference, null, m);
                assertTrue(satisfies(m.offer().type(), spec), regionId + ": our pick " + m.offer().type()
                        + " (reference " + reference + " has no catalog price in " + regionId + ")");
            }
            regions += m.found() ? 1 : 0;
        }
        MappingResult nyc3 = ours(Provider.DIGITALOCEAN, "nyc3", spec);
        assertTrue(nyc3.found(), "digitalocean nyc3 2/4 has a pick; " + nyc3.summary());
        assertTrue(satisfies(nyc3.offer().type(), spec));
        assertTrue(regions > 0);
        if (doc.type(reference).isEmpty()) {
            System.out.println("note: DigitalOcean reference " + reference + " has no catalog price (type absent); "
                    + "our nyc3 pick " + nyc3.summary());
        }
    }

    @Test
    void vultrGeneralPurpose() {
        assertAtLeastAsGood(Provider.VULTR, "ewr", ResourceSpec.of(4, 8), "vc2-4c-8gb");
    }

    @Test
    void teeAws() {
        assertAtLeastAsGood(Provider.AWS, "us-east-1", ResourceSpec.of(4, 16).withTee(true), "m6i.xlarge");
    }

    @Test
    void teeGcp() {
        assertAtLeastAsGood(Provider.GCP, "us-central1", ResourceSpec.of(4, 16).withTee(true), "n2d-standard-4");
    }

    @Test
    void teeAzure() {
        assertAtLeastAsGood(Provider.AZURE, "eastus", ResourceSpec.of(4, 16).withTee(true), "Standard_DC4as_v5");
    }

    @Test
    void teePicksUseAnAcceptedTechnology() {
        for (Object[] c : new Object[][] { { Provider.AWS, "us-east-1" }, { Provider.GCP, "us-central1" },
                { Provider.AZURE, "eastus" } }) {
            MappingResult m = ours((Provider) c[0], (String) c[1], ResourceSpec.of(4, 16).withTee(true));
            assertTrue(m.found());
            assertFalse(m.offer().type().tee().isEmpty());
            assertFalse(m.offer().type().tee().equals(java.util.Set.of(TeeTechnology.INTEL_SGX)),
                    "SGX-only is never a default TEE pick");
        }
    }

    @Test
    void requireTeeOnDigitalOceanAndVultrFindsNothing() {
        int checked = 0;
        for (Provider p : new Provider[] { Provider.DIGITALOCEAN, Provider.VULTR }) {
            assertFalse(catalog.provider(p).hasTee(), p + " has no TEE types");
            for (String regionId : catalog.provider(p).regions().keySet()) {
                MappingResult m = ours(p, regionId, ResourceSpec.of(1, 1).withTee(true));
                assertFalse(m.found(), p + "/" + regionId + " " + m.summary());
                if (ours(p, regionId, ResourceSpec.of(1, 1)).found()) {
                    // the same request without TEE fits, so it is the TEE constraint that rejects it
                    checked++;
                    assertTrue(m.rejections().containsKey(Constraint.TEE), p + "/" + regionId + " "
                            + m.rejections());
                    assertTrue(m.binding().contains(Constraint.TEE), p + "/" + regionId + " " + m.binding());
                }
            }
        }
        assertTrue(checked > 5, "regions where only TEE rejects: " + checked);
    }
}

package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.Qos;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.domain.TeeTechnology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cheapest-fit mapping over small synthetic catalogs loaded through the real {@link CatalogLoader}. */
class InstanceTypeMapperTest {
    private static final String R = "r1";

    @TempDir
    Path dir;

    private RegionOffers region(Consumer<CatalogFixture> build) {
        CatalogFixture f = new CatalogFixture();
        build.accept(f);
        return f.load(dir).provider(Provider.AWS).region(R).orElseThrow();
    }

    private static MappingResult map(RegionOffers r, ResourceSpec spec) {
        return InstanceTypeMapper.map(r, spec, MappingPolicy.DEFAULT, 0, true);
    }

    private static MappingResult map(RegionOffers r, ResourceSpec spec, MappingPolicy policy) {
        return InstanceTypeMapper.map(r, spec, policy, 0, true);
    }

    private static String pick(MappingResult m) {
        return m.found() ? m.offer().type().name() : null;
    }

    private static MappingPolicy policy(Set<String> allowed, Set<String> denied, boolean burstable, int minGen,
            boolean bareMetal, double maxUsd) {
        return new MappingPolicy(allowed, denied, burstable, minGen, bareMetal, maxUsd);
    }

    private static ResourceSpec tee(double cpu, double mem, TeeTechnology... accepted) {
        return new ResourceSpec(cpu, mem, 10, 0, "", Architecture.X86_64, false, true,
                accepted.length == 0 ? null : Set.of(accepted), Qos.NONE);
    }

    /** A region of general-purpose types, cheapest first: 1/1, 2/4, 2/8, 4/16, 8/32. */
    private RegionOffers general() {
        return region(f -> {
            f.type("a.small", 1, 1);
            f.type("a.medium", 2, 4);
            f.type("b.large", 2, 8);
            f.type("a.xlarge", 4, 16);
            f.type("a.2xlarge", 8, 32);
            f.offer("a.small", R, 0.01, null);
            f.offer("a.medium", R, 0.04, null);
            f.offer("b.large", R, 0.06, null);
            f.offer("a.xlarge", R, 0.16, null);
            f.offer("a.2xlarge", R, 0.32, null);
        });
    }

    @Test
    void cheapestSatisfyingOfferWins() {
        RegionOffers r = general();
        assertEquals("a.small", pick(map(r, ResourceSpec.of(1, 1))));
        assertEquals("a.small", pick(map(r, ResourceSpec.of(0.5, 0.5))), "fractional requests round up to a type");
        assertEquals("a.medium", pick(map(r, ResourceSpec.of(2, 4))));
        assertEquals("b.large", pick(map(r, ResourceSpec.of(2, 5))), "memory drives the pick");
        assertEquals("a.xlarge", pick(map(r, ResourceSpec.of(3, 1))), "cpu drives the pick");
        assertEquals("a.2xlarge", pick(map(r, ResourceSpec.of(8, 32))));
        MappingResult none = map(r, ResourceSpec.of(16, 1));
        assertFalse(none.found());
        assertNull(none.effectivePrice());
        assertEquals(Map.of(Constraint.CPU, 5), none.rejections());
        assertTrue(none.summary().startsWith("No instance type in r1"), none.summary());
    }

    @Test
    void pickCarriesPriceAndRegion() {
        MappingResult m = map(general(), ResourceSpec.of(2, 4));
        assertEquals(0.04, m.effectivePrice().usdPerHour(), 1e-12);
        assertEquals("aws-price", m.effectivePrice().source().id());
        assertFalse(m.spot());
        assertEquals(R, m.region());
        assertEquals(R, m.offer().region());
        assertTrue(m.summary().startsWith("a.medium (2 vCPU, 4 GiB) at $0.04/h"), m.summary());
    }

    @Test
    void cpuAndMemoryToleranceForRoundedSourceData() {
        RegionOffers r = region(f -> {
            f.type("n.standard", 4, 15); // 3.75 GiB x 4
            f.type("n.big", 4, 16);
            f.offer("n.standard", R, 0.1, null);
            f.offer("n.big", R, 0.2, null);
        });
        assertEquals("n.standard", pick(map(r, ResourceSpec.of(4, 3.75 * 4))));
        assertEquals("n.big", pick(map(r, ResourceSpec.of(4, 15.0000001))));
        assertEquals("n.big", pick(map(r, ResourceSpec.of(4, 15.5))));
    }

    @Test
    void gpuCountAndModel() {
        RegionOffers r = region(f -> {
            f.type("cpu.only", 8, 32);
            f.type("g4.x", 8, 32).gpus(1, "NVIDIA T4");
            f.type("p4.x", 8, 32).gpus(1, "NVIDIA A100");
            f.type("p4.2x", 16, 64).gpus(2, "nvidia a100");
            f.offer("g4.x", R, 0.5, null); // cheapest of all
            f.offer("cpu.only", R, 0.6, null);
            f.offer("p4.x", R, 3.0, null);
            f.offer("p4.2x", R, 6.0, null);
        });
        MappingResult noGpu = map(r, ResourceSpec.of(8, 32));
        assertEquals("cpu.only", pick(noGpu), "a request without GPUs never gets a GPU type");
        assertEquals(Set.of(Constraint.GPU), noGpu.binding());
        assertEquals("g4.x", pick(map(r, ResourceSpec.of(8, 32).withGpus(1, ""))), "any model");
        assertEquals("p4.x", pick(map(r, ResourceSpec.of(8, 32).withGpus(1, "a100"))));
        assertEquals("p4.x", pick(map(r, ResourceSpec.of(8, 32).withGpus(1, "A100"))), "model is case-insensitive");
        assertEquals("p4.2x", pick(map(r, ResourceSpec.of(1, 1).withGpus(2, "a100"))), "count");
        assertFalse(map(r, ResourceSpec.of(1, 1).withGpus(2, "t4")).found());
        assertFalse(map(r, ResourceSpec.of(1, 1).withGpus(1, "h100")).found());
        assertFalse(map(r, ResourceSpec.of(1, 1).withGpus(4, "")).found());
    }

    @Test
    void architecture() {
        RegionOffers r = region(f -> {
            f.type("g.arm", 2, 4).arm();
            f.type("m.x86", 2, 4);
            f.offer("g.arm", R, 0.03, null);
            f.offer("m.x86", R, 0.05, null);
        });
        MappingResult x86 = map(r, ResourceSpec.of(2, 4));
        assertEquals("m.x86", pick(x86));
        assertEquals(Set.of(Constraint.ARCHITECTURE), x86.binding());
        assertEquals("g.arm", pick(map(r, ResourceSpec.of(2, 4).withArchitecture(Architecture.ARM64))));
    }

    @Test
    void teeDefaultExcludesSgxUnlessRequested() {
        RegionOffers r = region(f -> {
            f.type("plain", 4, 16);
            f.type("dcsv3", 4, 16).tee("INTEL_SGX");
            f.type("dcasv5", 4, 16).tee("AMD_SEV;AMD_SEV_SNP");
            f.type("dcesv5", 4, 16).tee("INTEL_TDX");
            f.type("m6i", 4, 16).tee("NITRO_ENCLAVES");
            f.offer("plain", R, 0.10, null);
            f.offer("dcsv3", R, 0.11, null);
            f.offer("dcasv5", R, 0.12, null);
            f.offer("dcesv5", R, 0.13, null);
            f.offer("m6i", R, 0.14, null);
        });
        assertEquals("plain", pick(map(r, ResourceSpec.of(4, 16))), "TEE not required: cheapest");
        MappingResult def = map(r, ResourceSpec.of(4, 16).withTee(true));
        assertEquals("dcasv5", pick(def), "default accepted set skips SGX");
        assertEquals(Set.of(Constraint.TEE), def.binding());
        assertEquals(Map.of(Constraint.TEE, 2), def.rejections());
        assertFalse(TeeTechnology.DEFAULT_ACCEPTED.contains(TeeTechnology.INTEL_SGX));
        assertEquals("dcsv3", pick(map(r, tee(4, 16, TeeTechnology.INTEL_SGX))), "SGX when asked for by name");
        assertEquals("dcasv5", pick(map(r, tee(4, 16, TeeTechnology.AMD_SEV_SNP))), "one of several technologies");
        assertEquals("dcesv5", pick(map(r, tee(4, 16, TeeTechnology.INTEL_TDX))));
        assertEquals("m6i", pick(map(r, tee(4, 16, TeeTechnology.NITRO_ENCLAVES))));
        assertEquals("dcesv5", pick(map(r, tee(4, 16, TeeTechnology.INTEL_TDX, TeeTechnology.NITRO_ENCLAVES))));
    }

    @Test
    void teeWithNoMatchingTechnologyFindsNothing() {
        RegionOffers r = region(f -> {
            f.type("plain", 4, 16);
            f.type("dcsv3", 4, 16).tee("INTEL_SGX");
            f.offer("plain", R, 0.10, null);
            f.offer("dcsv3", R, 0.11, null);
        });
        MappingResult m = map(r, ResourceSpec.of(4, 16).withTee(true));
        assertFalse(m.found());
        assertEquals(Map.of(Constraint.TEE, 2), m.rejections());
        assertEquals(Set.of(Constraint.TEE), m.binding());
    }

    @Test
    void familyAllowAndDenyAreCaseInsensitive() {
        RegionOffers r = region(f -> {
            f.type("t3.large", 2, 8).family("T3");
            f.type("m6i.large", 2, 8).family("M6i");
            f.type("c6i.large", 2, 8).family("c6i");
            f.offer("t3.large", R, 0.05, null);
            f.offer("m6i.large", R, 0.06, null);
            f.offer("c6i.large", R, 0.07, null);
        });
        ResourceSpec s = ResourceSpec.of(2, 8);
        assertEquals("t3.large", pick(map(r, s)));
        MappingResult denied = map(r, s, policy(Set.of(), Set.of("t3", " M6I "), true, 0, false, 0));
        assertEquals("c6i.large", pick(denied));
        assertEquals(Set.of(Constraint.FAMILY), denied.binding());
        assertEquals(Map.of(Constraint.FAMILY, 2), denied.rejections());
        assertEquals("m6i.large", pick(map(r, s, policy(Set.of("m6I", "C6I"), Set.of(), true, 0, false, 0))));
        assertEquals("c6i.large", pick(map(r, s, policy(Set.of("C6I"), Set.of(), true, 0, false, 0))));
        assertFalse(map(r, s, policy(Set.of("c6i"), Set.of("C6i"), true, 0, false, 0)).found(),
                "deny wins over allow");
        assertFalse(map(r, s, policy(Set.of("r6i"), Set.of(), true, 0, false, 0)).found());
    }

    @Test
    void burstableAndSharedCore() {
        RegionOffers r = region(f -> {
            f.type("t3.medium", 2, 4).burstable();
            f.type("e2.medium", 2, 4).sharedCore();
            f.type("m5.large", 2, 8);
            f.offer("t3.medium", R, 0.03, null);
            f.offer("e2.medium", R, 0.035, null);
            f.offer("m5.large", R, 0.09, null);
        });
        assertEquals("t3.medium", pick(map(r, ResourceSpec.of(2, 4))), "allowed by default");
        MappingResult strict = map(r, ResourceSpec.of(2, 4), policy(Set.of(), Set.of(), false, 0, false, 0));
        assertEquals("m5.large", pick(strict));
        assertEquals(Map.of(Constraint.BURSTABLE, 2), strict.rejections());
    }

    @Test
    void minimumGeneration() {
        RegionOffers r = region(f -> {
            f.type("m4.large", 2, 8).generation(4);
            f.type("m5.large", 2, 8).generation(5);
            f.type("m6i.large", 2, 8).generation(6);
            f.offer("m4.large", R, 0.05, null);
            f.offer("m5.large", R, 0.06, null);
            f.offer("m6i.large", R, 0.07, null);
        });
        ResourceSpec s = ResourceSpec.of(2, 8);
        assertEquals("m4.large", pick(map(r, s, policy(Set.of(), Set.of(), true, 0, false, 0))));
        assertEquals("m5.large", pick(map(r, s, policy(Set.of(), Set.of(), true, 5, false, 0))), "inclusive");
        MappingResult six = map(r, s, policy(Set.of(), Set.of(), true, 6, false, 0));
        assertEquals("m6i.large", pick(six));
        assertEquals(Set.of(Constraint.GENERATION), six.binding());
        assertFalse(map(r, s, policy(Set.of(), Set.of(), true, 7, false, 0)).found());
    }

    @Test
    void bareMetalOnlyWhenAllowed() {
        RegionOffers r = region(f -> {
            f.type("m5.metal", 96, 384).bareMetal();
            f.type("m5.24xlarge", 96, 384);
            f.offer("m5.metal", R, 4.0, null);
            f.offer("m5.24xlarge", R, 4.5, null);
        });
        MappingResult def = map(r, ResourceSpec.of(64, 256));
        assertEquals("m5.24xlarge", pick(def));
        assertEquals(Set.of(Constraint.BARE_METAL), def.binding());
        assertEquals("m5.metal",
                pick(map(r, ResourceSpec.of(64, 256), policy(Set.of(), Set.of(), true, 0, true, 0))));
    }

    @Test
    void maxCost() {
        RegionOffers r = general();
        ResourceSpec s = ResourceSpec.of(2, 4);
        assertEquals("a.medium", pick(map(r, s, MappingPolicy.DEFAULT.withMaxHourlyUsd(0.04))), "cap is inclusive");
        MappingResult over = map(r, s, MappingPolicy.DEFAULT.withMaxHourlyUsd(0.039));
        assertFalse(over.found());
        assertTrue(over.binding().contains(Constraint.MAX_COST), over.binding().toString());
        assertEquals(Map.of(Constraint.CPU, 1, Constraint.MAX_COST, 4), over.rejections());
        assertEquals(over.considered(), sum(over.rejections()));
        // combine keeps the stricter cap
        MappingPolicy p = MappingPolicy.DEFAULT.withMaxHourlyUsd(0.1).withMaxHourlyUsd(0.05);
        assertEquals(0.05, p.maxHourlyUsd(), 0);
        assertEquals(0.05, MappingPolicy.DEFAULT.withMaxHourlyUsd(0.05).withMaxHourlyUsd(0.1).maxHourlyUsd(), 0);
        assertEquals(0.1, MappingPolicy.DEFAULT.withMaxHourlyUsd(0).withMaxHourlyUsd(0.1).maxHourlyUsd(), 0);
    }

    @Test
    void retiredAndUnpricedAreNeverChosen() {
        RegionOffers r = region(f -> {
            f.type("old.large", 2, 8).retired();
            f.type("unpriced.large", 2, 8);
            f.type("m5.large", 2, 8);
            f.offer("old.large", R, 0.001, null);
            f.offer("unpriced.large", R, null, null);
            f.offer("m5.large", R, 0.09, null);
        });
        MappingResult m = map(r, ResourceSpec.of(2, 8));
        assertEquals("m5.large", pick(m));
        assertEquals(Map.of(Constraint.RETIRED, 1, Constraint.PRICE_UNKNOWN, 1), m.rejections());
        assertEquals(Set.of(Constraint.RETIRED), m.binding(), "only the retired offer was cheaper");
        assertEquals(List.of("old.large", "m5.large", "unpriced.large"),
                r.sorted(false).stream().map(o -> o.type().name()).toList(), "unknown price sorts last");
        MappingResult spot = map(r, ResourceSpec.of(2, 8).withSpot(true));
        assertEquals("m5.large", pick(spot));

        RegionOffers onlyBad = region(f -> {
            f.type("old.large", 2, 8).retired();
            f.type("unpriced.large", 2, 8);
            f.offer("old.large", R, 0.001, 0.0005);
            f.offer("unpriced.large", R, null, null);
        });
        assertFalse(map(onlyBad, ResourceSpec.of(2, 8)).found());
        assertFalse(map(onlyBad, ResourceSpec.of(2, 8).withSpot(true)).found());
    }

    @Test
    void offerWithoutOnDemandPriceIsNeverChosenEvenWithSpot() {
        RegionOffers r = region(f -> {
            f.type("spotonly.large", 2, 8);
            f.type("m5.large", 2, 8);
            f.offer("spotonly.large", R, null, 0.01);
            f.offer("m5.large", R, 0.09, 0.03);
        });
        assertEquals("m5.large", pick(map(r, ResourceSpec.of(2, 8).withSpot(true))));
    }

    @Test
    void spotOrdering() {
        RegionOffers r = region(f -> {
            f.type("a.large", 2, 8);
            f.type("b.large", 2, 8);
            f.type("c.large", 2, 8);
            f.offer("a.large", R, 0.10, 0.03);
            f.offer("b.large", R, 0.08, null);
            f.offer("c.large", R, 0.09, 0.05);
        });
        MappingResult od = map(r, ResourceSpec.of(2, 8));
        assertEquals("b.large", pick(od), "on-demand ordering");
        assertFalse(od.spot());
        assertEquals(0.08, od.effectivePrice().usdPerHour(), 1e-12);

        MappingResult spot = InstanceTypeMapper.map(r, ResourceSpec.of(2, 8).withSpot(true), MappingPolicy.DEFAULT,
                2, true);
        assertEquals("a.large", pick(spot), "spot price wins when allowed");
        assertTrue(spot.spot());
        assertEquals(0.03, spot.effectivePrice().usdPerHour(), 1e-12);
        assertEquals(List.of("c.large", "b.large"), names(spot.alternatives()),
                "types without a spot price compete at their on-demand price");
        assertEquals(List.of("a.large", "c.large", "b.large"), names(r.sorted(true)));
        assertEquals(List.of("b.large", "c.large", "a.large"), names(r.sorted(false)));
    }

    @Test
    void spotAllowedButPickHasNoSpotPricePaysOnDemand() {
        RegionOffers r = region(f -> {
            f.type("a.large", 2, 8);
            f.type("big.large", 16, 64);
            f.offer("a.large", R, 0.08, null);
            f.offer("big.large", R, 1.0, 0.02);
        });
        MappingResult m = map(r, ResourceSpec.of(2, 8).withSpot(true));
        assertEquals("big.large", pick(m), "0.02 spot beats 0.08 on-demand");
        assertTrue(m.spot());
        MappingResult m2 = map(r, ResourceSpec.of(2, 8).withSpot(true),
                MappingPolicy.DEFAULT.withMaxHourlyUsd(0.01));
        assertFalse(m2.found());
        MappingResult onlySmall = map(r, ResourceSpec.of(2, 8).withSpot(true),
                policy(Set.of("a"), Set.of(), true, 0, false, 0));
        assertEquals("a.large", pick(onlySmall));
        assertFalse(onlySmall.spot());
        assertEquals(0.08, onlySmall.effectivePrice().usdPerHour(), 1e-12);
        assertEquals("aws-price", onlySmall.effectivePrice().source().id());
    }

    @Test
    void maxCostAppliesToTheSpotPriceWhenSpotIsAllowed() {
        RegionOffers r = region(f -> {
            f.type("a.large", 2, 8);
            f.offer("a.large", R, 0.10, 0.03);
        });
        MappingPolicy cap = MappingPolicy.DEFAULT.withMaxHourlyUsd(0.05);
        assertFalse(map(r, ResourceSpec.of(2, 8), cap).found());
        assertEquals("a.large", pick(map(r, ResourceSpec.of(2, 8).withSpot(true), cap)));
    }

    @Test
    void deterministicTieBreak() {
        Consumer<CatalogFixture> forward = f -> {
            f.type("z.big", 4, 16);
            f.type("y.mem", 2, 16);
            f.type("x.b", 2, 8);
            f.type("x.a", 2, 8);
            f.offer("z.big", R, 0.1, null);
            f.offer("y.mem", R, 0.1, null);
            f.offer("x.b", R, 0.1, null);
            f.offer("x.a", R, 0.1, null);
        };
        RegionOffers r = region(forward);
        assertEquals(List.of("x.a", "x.b", "y.mem", "z.big"), names(r.sorted(false)),
                "price, then fewer vCPUs, then less memory, then name");
        MappingResult m = InstanceTypeMapper.map(r, ResourceSpec.of(2, 8), MappingPolicy.DEFAULT, 3, true);
        assertEquals("x.a", pick(m));
        assertEquals(List.of("x.b", "y.mem", "z.big"), names(m.alternatives()));
        assertTrue(m.binding().isEmpty(), "no cheaper offer exists");
        assertTrue(m.summary().contains("no cheaper offer exists"), m.summary());

        // the same rows in reverse file order give the same order
        RegionOffers reversed = region(f -> {
            f.type("x.a", 2, 8);
            f.type("x.b", 2, 8);
            f.type("y.mem", 2, 16);
            f.type("z.big", 4, 16);
            f.offer("x.a", R, 0.1, null);
            f.offer("x.b", R, 0.1, null);
            f.offer("y.mem", R, 0.1, null);
            f.offer("z.big", R, 0.1, null);
        });
        assertEquals(names(r.sorted(false)), names(reversed.sorted(false)));
        assertEquals(names(r.sorted(true)), names(reversed.sorted(true)));
        assertEquals("x.a", pick(map(reversed, ResourceSpec.of(2, 8))));
        assertEquals("y.mem", pick(map(reversed, ResourceSpec.of(2, 9))));
        assertEquals("z.big", pick(map(reversed, ResourceSpec.of(3, 1))));
    }

    @Test
    void bindingConstraintsAreTheFirstFailuresOfEveryCheaperOffer() {
        RegionOffers r = region(f -> {
            f.type("c1", 1, 16); // CPU
            f.type("c2", 4, 2); // MEMORY
            f.type("c3", 4, 16).family("denied"); // FAMILY
            f.type("c4", 4, 16).arm(); // ARCHITECTURE
            f.type("c5", 1, 1); // CPU again
            f.type("pick", 4, 16);
            f.type("d1", 4, 16).gpus(1, "t4"); // dearer, GPU: not binding
            f.type("d2", 4, 16).retired(); // dearer, RETIRED: not binding
            f.offer("c1", R, 0.01, null);
            f.offer("c2", R, 0.02, null);
            f.offer("c3", R, 0.03, null);
            f.offer("c4", R, 0.04, null);
            f.offer("c5", R, 0.05, null);
            f.offer("pick", R, 0.10, null);
            f.offer("d1", R, 0.20, null);
            f.offer("d2", R, 0.30, null);
        });
        MappingPolicy deny = policy(Set.of(), Set.of("denied"), true, 0, false, 0);
        for (boolean explain : new boolean[] { true, false }) {
            MappingResult m = InstanceTypeMapper.map(r, ResourceSpec.of(4, 16), deny, 0, explain);
            assertEquals("pick", pick(m));
            assertEquals(EnumSet.of(Constraint.CPU, Constraint.MEMORY, Constraint.FAMILY, Constraint.ARCHITECTURE),
                    m.binding(), "explain=" + explain);
            assertTrue(m.summary().contains("every cheaper offer failed"), m.summary());
        }
        MappingResult full = InstanceTypeMapper.map(r, ResourceSpec.of(4, 16), deny, 0, true);
        Map<Constraint, Integer> expected = new EnumMap<>(Constraint.class);
        expected.put(Constraint.CPU, 2);
        expected.put(Constraint.MEMORY, 1);
        expected.put(Constraint.FAMILY, 1);
        expected.put(Constraint.ARCHITECTURE, 1);
        expected.put(Constraint.GPU, 1);
        expected.put(Constraint.RETIRED, 1);
        assertEquals(expected, full.rejections());
    }

    @Test
    void rejectionCountsAddUpWhenExplained() {
        RegionOffers r = mixedRegion();
        List<ResourceSpec> specs = List.of(ResourceSpec.of(1, 1), ResourceSpec.of(2, 4), ResourceSpec.of(4, 16),
                ResourceSpec.of(4, 16).withTee(true), ResourceSpec.of(2, 4).withSpot(true),
                ResourceSpec.of(8, 32).withGpus(1, ""), ResourceSpec.of(2, 4).withArchitecture(Architecture.ARM64),
                ResourceSpec.of(512, 4096));
        List<MappingPolicy> policies = List.of(MappingPolicy.DEFAULT, MappingPolicy.DEFAULT.withMaxHourlyUsd(0.1),
                policy(Set.of(), Set.of("m"), false, 5, true, 0), policy(Set.of("c"), Set.of(), true, 0, false, 1));
        for (ResourceSpec s : specs) {
            for (MappingPolicy p : policies) {
                MappingResult m = InstanceTypeMapper.map(r, s, p, 0, true);
                String ctx = s + " / " + p;
                assertTrue(m.explained(), ctx);
                assertEquals(r.size(), m.considered(), ctx);
                assertEquals(m.considered() - m.satisfying(), sum(m.rejections()), ctx);
                int satisfying = 0;
                for (Offer o : r.sorted(s.allowSpot())) {
                    if (InstanceTypeMapper.check(o, s, p, s.allowSpot()) == null) {
                        satisfying++;
                    }
                }
                assertEquals(satisfying, m.satisfying(), ctx);
                assertEquals(satisfying > 0, m.found(), ctx);
                assertFalse(m.rejections().containsValue(0), ctx);
            }
        }
    }

    @Test
    void rejectionCountsPerConstraintMatchAFullScanWithCapAndUnpricedOffers() {
        RegionOffers r = region(f -> {
            f.type("small", 1, 1);
            f.type("fits", 2, 4);
            f.type("unpriced", 2, 4);
            f.offer("small", R, 0.01, null);
            f.offer("fits", R, 0.5, null);
            f.offer("unpriced", R, null, null);
        });
        MappingResult m = map(r, ResourceSpec.of(2, 4), MappingPolicy.DEFAULT.withMaxHourlyUsd(0.1));
        assertFalse(m.found());
        assertEquals(Map.of(Constraint.CPU, 1, Constraint.MAX_COST, 1, Constraint.PRICE_UNKNOWN, 1), m.rejections());
    }

    @Test
    void alternativesAreCheapestFirstAndDistinctFromThePick() {
        RegionOffers r = mixedRegion();
        for (boolean explain : new boolean[] { true, false }) {
            MappingResult m = InstanceTypeMapper.map(r, ResourceSpec.of(2, 4), MappingPolicy.DEFAULT, 3, explain);
            assertTrue(m.found());
            assertEquals(3, m.alternatives().size());
            Set<String> seen = new HashSet<>();
            seen.add(pick(m));
            double last = m.effectivePrice().usdPerHour();
            for (Offer a : m.alternatives()) {
                assertTrue(seen.add(a.type().name()), "distinct: " + a.type().name());
                assertNull(InstanceTypeMapper.check(a, ResourceSpec.of(2, 4), MappingPolicy.DEFAULT, false));
                assertTrue(a.onDemand().usdPerHour() >= last, "cheapest first");
                last = a.onDemand().usdPerHour();
            }
        }
        // fewer satisfying offers than asked for
        MappingResult few = InstanceTypeMapper.map(r, ResourceSpec.of(8, 32).withGpus(1, ""), MappingPolicy.DEFAULT,
                5, true);
        assertEquals(few.satisfying() - 1, few.alternatives().size());
        assertEquals(List.of(), InstanceTypeMapper.map(r, ResourceSpec.of(2, 4), MappingPolicy.DEFAULT, 0, true)
                .alternatives());
    }

    @Test
    void withoutExplanationTheScanStopsEarlyButThePickIsTheSame() {
        RegionOffers r = mixedRegion();
        for (ResourceSpec s : List.of(ResourceSpec.of(1, 1), ResourceSpec.of(2, 4), ResourceSpec.of(4, 16),
                ResourceSpec.of(2, 4).withSpot(true), ResourceSpec.of(4, 8).withTee(true))) {
            for (int alts : new int[] { 0, 1, 2 }) {
                MappingResult full = InstanceTypeMapper.map(r, s, MappingPolicy.DEFAULT, alts, true);
                MappingResult fast = InstanceTypeMapper.map(r, s, MappingPolicy.DEFAULT, alts, false);
                assertTrue(full.found(), s.toString());
                assertEquals(full.offer(), fast.offer(), s.toString());
                assertEquals(full.effectivePrice(), fast.effectivePrice());
                assertEquals(full.spot(), fast.spot());
                assertEquals(full.alternatives(), fast.alternatives());
                assertEquals(full.binding(), fast.binding());
                assertFalse(fast.explained());
                assertTrue(fast.considered() < full.considered(), s + " considered " + fast.considered());
                assertEquals(fast.considered() - fast.satisfying(), sum(fast.rejections()));
                assertEquals(1 + alts, fast.satisfying(), "stops at the last alternative");
            }
        }
        MappingResult nothing = InstanceTypeMapper.map(r, ResourceSpec.of(512, 1), MappingPolicy.DEFAULT, 0, false);
        assertFalse(nothing.found());
        assertTrue(nothing.explained(), "a failed search scanned everything");
        assertEquals(r.size(), nothing.considered());
        assertTrue(nothing.summary().contains("rejections by constraint"), nothing.summary());
    }

    /** A region mixing most kinds of offers; the 2/4, 1/1, 4/16, 4/16 TEE, 8/32 GPU specs all fit somewhere. */
    private RegionOffers mixedRegion() {
        return region(f -> {
            String[] fams = { "m", "c", "r", "t" };
            int n = 0;
            for (String fam : fams) {
                for (int size = 0; size < 5; size++) {
                    double cpu = 1 << size;
                    double mem = cpu * (fam.equals("c") ? 2 : fam.equals("r") ? 8 : 4);
                    String name = fam + (4 + size % 3) + ".s" + size;
                    CatalogFixture.Type t = f.type(name, cpu, mem).family(fam).generation(4 + size % 3);
                    if (fam.equals("t")) {
                        t.burstable();
                    }
                    if (size == 2 && !fam.equals("t")) {
                        t.tee("NITRO_ENCLAVES");
                    }
                    double price = 0.0113 * cpu * (1 + 0.07 * n++);
                    f.offer(name, R, price, size % 2 == 0 ? price * 0.3 : null);
                }
            }
            f.type("arm.s1", 2, 4).arm();
            f.offer("arm.s1", R, 0.015, 0.005);
            f.type("gpu.s1", 8, 32).gpus(1, "nvidia t4");
            f.offer("gpu.s1", R, 0.9, null);
            f.type("gpu.s2", 16, 64).gpus(2, "nvidia t4");
            f.offer("gpu.s2", R, 1.8, 0.6);
            f.type("metal.s1", 64, 256).bareMetal();
            f.offer("metal.s1", R, 3.0, null);
            f.type("old.s1", 2, 4).retired();
            f.offer("old.s1", R, 0.001, null);
            f.type("nop.s1", 2, 4);
            f.offer("nop.s1", R, null, null);
        });
    }

    private static int sum(Map<Constraint, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static List<String> names(List<Offer> offers) {
        List<String> out = new ArrayList<>();
        offers.forEach(o -> out.add(o.type().name()));
        return out;
    }
}

package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.Qos;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property-style checks of the mapper over the real bundled catalog: for thousands of random specs, providers,
 * regions and policies, the pick satisfies every constraint (re-checked here, independently of
 * {@link InstanceTypeMapper#check}) and a brute-force scan of the region finds no satisfying offer with a strictly
 * lower effective price; when the mapper finds nothing, neither does brute force.
 */
class MapperPropertyTest {
    private static final long SEED = 0x2026_11_25L;
    private static final int CASES = 4000;
    private static final double[] CPUS = { 0.25, 0.5, 1, 1, 2, 2, 2, 4, 4, 4, 6, 8, 8, 12, 16, 24, 32, 48, 64, 96, 128,
            192, 448 };
    private static final double[] RATIOS = { 0.5, 1, 2, 3.75, 4, 4, 4, 6, 8, 16 };
    private static Catalog catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLoader.loadBundled();
    }

    @Test
    void pickSatisfiesEveryConstraintAndNothingCheaperDoes() {
        Random rnd = new Random(SEED);
        int found = 0;
        int notFound = 0;
        int spotPicks = 0;
        int teePicks = 0;
        int gpuPicks = 0;
        int capped = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Provider p = Provider.values()[rnd.nextInt(Provider.values().length)];
            ProviderCatalog pc = catalog.provider(p);
            List<String> regionIds = new ArrayList<>(pc.regions().keySet());
            RegionOffers region = pc.regions().get(regionIds.get(rnd.nextInt(regionIds.size())));
            ResourceSpec spec = randomSpec(rnd, region);
            MappingPolicy policy = randomPolicy(rnd, region);
            int alternatives = rnd.nextInt(4);
            boolean explain = rnd.nextBoolean();
            String ctx = "seed=" + SEED + " case=" + i + " " + p.id() + "/" + region.region() + " spec=" + spec
                    + " policy=" + policy + " alternatives=" + alternatives + " explain=" + explain;

            MappingResult m = InstanceTypeMapper.map(region, spec, policy, alternatives, explain);
            // the selection's lean path (buckets, early stop) picks exactly what the full mapper picks
            assertEquals(m.offer(), InstanceTypeMapper.cheapest(region, spec, policy), ctx + ": cheapest()");
            if (InstanceTypeMapper.regionBound(region, spec) != null) {
                assertFalse(m.found(), ctx + ": region bound ruled out a region with a fit");
            }
            if (!m.found()) {
                assertEquals(region.size(), InstanceTypeMapper.rejections(region, spec, policy).values().stream()
                        .mapToInt(Integer::intValue).sum(), ctx + ": selection's counts cover every offer");
            }

            // brute force over the region, in file-independent order
            List<Offer> satisfying = new ArrayList<>();
            for (Offer o : region.sorted(false)) {
                if (satisfies(o, spec, policy)) {
                    satisfying.add(o);
                }
            }
            if (!m.found()) {
                notFound++;
                assertTrue(satisfying.isEmpty(), () -> ctx + ": mapper found nothing but brute force found "
                        + satisfying.get(0).type().name());
                assertNull(m.effectivePrice(), ctx);
                assertTrue(m.alternatives().isEmpty(), ctx);
                assertEquals(region.size(), m.considered(), ctx);
                assertEquals(region.size(), sum(m), ctx + " every offer is rejected for something");
                continue;
            }
            found++;
            Offer pick = m.offer();
            if (!satisfies(pick, spec, policy)) {
                fail(ctx + ": pick " + pick.type() + " " + pick + " violates the request");
            }
            double pickPrice = price(pick, spec.allowSpot());
            assertNotNull(m.effectivePrice(), ctx);
            assertEquals(pickPrice, m.effectivePrice().usdPerHour(), 0, ctx);
            assertEquals(spec.allowSpot() && pick.spot() != null, m.spot(), ctx);
            if (m.spot()) {
                spotPicks++;
            }
            if (spec.requireTee()) {
                teePicks++;
            }
            if (spec.gpuCount() > 0) {
                gpuPicks++;
            }
            if (policy.maxHourlyUsd() > 0) {
                capped++;
            }
            double min = Double.POSITIVE_INFINITY;
            for (Offer o : satisfying) {
                min = Math.min(min, price(o, spec.allowSpot()));
            }
            assertFalse(min < pickPrice, ctx + ": a satisfying offer costs " + min + " < pick " + pickPrice);
            // deterministic tie-break among the cheapest: fewer vCPUs, less memory, name
            Offer best = null;
            for (Offer o : satisfying) {
                if (price(o, spec.allowSpot()) == min && (best == null || tieBefore(o, best))) {
                    best = o;
                }
            }
            assertEquals(best.type().name(), pick.type().name(), ctx + ": tie-break");

            // alternatives: satisfying, distinct, cheapest-first, never cheaper than the pick
            Set<String> names = new HashSet<>();
            names.add(pick.type().name());
            double last = pickPrice;
            for (Offer a : m.alternatives()) {
                assertTrue(satisfies(a, spec, policy), ctx + ": alternative " + a.type().name());
                assertTrue(names.add(a.type().name()), ctx + ": duplicate " + a.type().name());
                assertTrue(price(a, spec.allowSpot()) >= last, ctx + ": alternatives order");
                last = price(a, spec.allowSpot());
            }
            assertEquals(Math.min(alternatives, satisfying.size() - 1), m.alternatives().size(), ctx);
            if (explain) {
                assertEquals(region.size(), m.considered(), ctx);
                assertEquals(satisfying.size(), m.satisfying(), ctx);
            }
            assertEquals(m.considered() - m.satisfying(), sum(m), ctx);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(Locale.ROOT, "MapperPropertyTest seed=%d: %d cases, %d found (%d spot, %d tee, %d gpu, "
                + "%d capped), %d not found, %d ms%n", SEED, CASES, found, spotPicks, teePicks, gpuPicks, capped,
                notFound, ms);
        // the generator must exercise both outcomes and the interesting kinds of request
        assertTrue(found > CASES / 4, "seed=" + SEED + " too few picks: " + found);
        assertTrue(notFound > CASES / 20, "seed=" + SEED + " too few misses: " + notFound);
        assertTrue(spotPicks > 20 && teePicks > 20 && gpuPicks > 5 && capped > 20, "seed=" + SEED
                + " generator coverage");
    }

    // ---- the independent oracle --------------------------------------------------------------------------------

    /** The price the caller pays, independently of {@link Offer#effectiveUsdPerHour}; +inf when unknown. */
    private static double price(Offer o, boolean spot) {
        if (spot && o.spot() != null) {
            return o.spot().usdPerHour();
        }
        return o.onDemand() == null ? Double.POSITIVE_INFINITY : o.onDemand().usdPerHour();
    }

    private static boolean satisfies(Offer o, ResourceSpec spec, MappingPolicy policy) {
        InstanceTypeSpec t = o.type();
        double price = price(o, spec.allowSpot());
        if (t.retired() || Double.isInfinite(price)) {
            return false;
        }
        if (t.architecture() != spec.architecture()) {
            return false;
        }
        if (t.vcpus() < spec.cpu() - 1e-9 || t.memoryGib() < spec.memoryGib() - 1e-9) {
            return false;
        }
        if (spec.gpuCount() == 0 ? t.gpuCount() != 0 : t.gpuCount() < spec.gpuCount()) {
            return false;
        }
        if (spec.gpuCount() > 0 && !spec.gpuModel().isEmpty()
                && !t.gpuModel().toLowerCase(Locale.ROOT).contains(spec.gpuModel().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (spec.requireTee()) {
            Set<TeeTechnology> common = EnumSet.noneOf(TeeTechnology.class);
            common.addAll(t.tee());
            common.retainAll(spec.teeTechnologies());
            if (common.isEmpty()) {
                return false;
            }
        }
        String fam = t.family().toLowerCase(Locale.ROOT);
        if (policy.deniedFamilies().contains(fam)
                || (!policy.allowedFamilies().isEmpty() && !policy.allowedFamilies().contains(fam))) {
            return false;
        }
        if (!policy.allowBurstable() && (t.burstable() || t.sharedCore())) {
            return false;
        }
        if (t.generation() < policy.minGeneration()) {
            return false;
        }
        if (t.bareMetal() && !policy.allowBareMetal()) {
            return false;
        }
        return policy.maxHourlyUsd() == 0 || price <= policy.maxHourlyUsd() + 1e-9;
    }

    private static boolean tieBefore(Offer a, Offer b) {
        if (a.type().vcpus() != b.type().vcpus()) {
            return a.type().vcpus() < b.type().vcpus();
        }
        if (a.type().memoryGib() != b.type().memoryGib()) {
            return a.type().memoryGib() < b.type().memoryGib();
        }
        return a.type().name().compareTo(b.type().name()) < 0;
    }

    private static int sum(MappingResult m) {
        return m.rejections().values().stream().mapToInt(Integer::intValue).sum();
    }

    // ---- generators -------------------------------------------------------------------------------------------

    private static ResourceSpec randomSpec(Random rnd, RegionOffers region) {
        List<Offer> offers = region.sorted(false);
        double cpu;
        double mem;
        int gpus = 0;
        String model = "";
        Architecture arch = rnd.nextInt(5) == 0 ? Architecture.ARM64 : Architecture.X86_64;
        if (rnd.nextBoolean()) {
            // shaped after an existing type, so that many requests have an answer
            InstanceTypeSpec t = offers.get(rnd.nextInt(offers.size())).type();
            cpu = Math.max(0.25, t.vcpus() * (0.5 + rnd.nextDouble() * 0.5));
            mem = Math.max(0.25, t.memoryGib() * (0.4 + rnd.nextDouble() * 0.6));
            if (rnd.nextInt(4) == 0) {
                cpu = t.vcpus();
                mem = t.memoryGib();
            }
            arch = t.architecture();
            if (t.gpuCount() > 0) {
                gpus = 1 + rnd.nextInt(t.gpuCount());
                model = rnd.nextBoolean() ? "" : gpuModelFragment(rnd, t.gpuModel());
            }
        } else {
            cpu = CPUS[rnd.nextInt(CPUS.length)];
            mem = cpu * RATIOS[rnd.nextInt(RATIOS.length)];
            if (rnd.nextInt(10) == 0) {
                gpus = 1 << rnd.nextInt(4);
                model = switch (rnd.nextInt(4)) {
                    case 0 -> "";
                    case 1 -> "A100";
                    case 2 -> "t4";
                    default -> "nonexistent-gpu";
                };
            }
        }
        boolean spot = rnd.nextInt(10) < 3;
        boolean tee = rnd.nextInt(100) < 15;
        Set<TeeTechnology> techs = null;
        if (tee && rnd.nextInt(5) < 2) {
            techs = EnumSet.noneOf(TeeTechnology.class);
            for (TeeTechnology t : TeeTechnology.values()) {
                if (rnd.nextInt(3) == 0) {
                    techs.add(t);
                }
            }
        }
        return new ResourceSpec(cpu, mem, 10, gpus, model, arch, spot, tee, techs, Qos.NONE);
    }

    private static String gpuModelFragment(Random rnd, String model) {
        String[] words = model.split("\\s+");
        String w = words[rnd.nextInt(words.length)];
        return rnd.nextBoolean() ? w.toUpperCase(Locale.ROOT) : w;
    }

    private static MappingPolicy randomPolicy(Random rnd, RegionOffers region) {
        List<Offer> offers = region.sorted(false);
        Set<String> allowed = new TreeSet<>();
        Set<String> denied = new TreeSet<>();
        if (rnd.nextInt(100) < 15) {
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                allowed.add(randomCase(rnd, offers.get(rnd.nextInt(offers.size())).type().family()));
            }
        }
        if (rnd.nextInt(100) < 20) {
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                denied.add(randomCase(rnd, offers.get(rnd.nextInt(offers.size())).type().family()));
            }
        }
        boolean burstable = rnd.nextInt(5) != 0;
        int minGen = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(7) : 0;
        boolean bareMetal = rnd.nextInt(5) == 0;
        double cap = rnd.nextInt(10) < 3 ? Math.exp(Math.log(0.005) + rnd.nextDouble() * Math.log(4000)) : 0;
        return new MappingPolicy(allowed, denied, burstable, minGen, bareMetal, cap);
    }

    private static String randomCase(Random rnd, String s) {
        return switch (rnd.nextInt(3)) {
            case 0 -> s.toUpperCase(Locale.ROOT);
            case 1 -> s.toLowerCase(Locale.ROOT);
            default -> s;
        };
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cheapest-fit mapping of a resource request onto one provider region's offers. Pure and allocation-light: the
 * region's offers are pre-sorted by the price the caller pays, so the first satisfying offer is the cheapest and,
 * unless an explanation is wanted, the scan stops there. No instance type is named in this code: every decision
 * reads catalog data.
 */
public final class InstanceTypeMapper {
    /** Memory and CPU comparisons tolerate rounding in the source data (e.g. 3.75 GiB × 4). */
    private static final double EPSILON = 1e-9;

    private InstanceTypeMapper() {
    }

    /**
     * Maps {@code spec} in {@code offers}.
     *
     * @param alternatives how many next-cheapest satisfying offers to return
     * @param explain scan the whole region so that counts and rejections are complete
     */
    public static MappingResult map(RegionOffers offers, ResourceSpec spec, MappingPolicy policy, int alternatives,
            boolean explain) {
        boolean spotAllowed = spec.allowSpot();
        Offer[] sorted = offers.sortedArray(spotAllowed);
        int[] rejected = new int[Constraint.values().length];
        EnumSet<Constraint> binding = EnumSet.noneOf(Constraint.class);
        Offer chosen = null;
        List<Offer> alts = alternatives > 0 ? new ArrayList<>(alternatives) : List.of();
        int satisfying = 0;
        int considered = 0;
        for (int i = 0; i < sorted.length; i++) {
            Offer o = sorted[i];
            Constraint failed = check(o, spec, policy, spotAllowed);
            if (failed == Constraint.MAX_COST || Double.isInfinite(o.effectiveUsdPerHour(spotAllowed))) {
                // Sorted by price: every later offer is dearer or unpriced as well, so none can be chosen. Count
                // each under its own first failing constraint and stop.
                for (int j = i; j < sorted.length; j++) {
                    Constraint c = j == i ? failed : check(sorted[j], spec, policy, spotAllowed);
                    rejected[c.ordinal()]++;
                    if (chosen == null) {
                        binding.add(c);
                    }
                }
                considered = sorted.length;
                break;
            }
            considered++;
            if (failed != null) {
                rejected[failed.ordinal()]++;
                if (chosen == null) {
                    binding.add(failed);
                }
                continue;
            }
            satisfying++;
            if (chosen == null) {
                chosen = o;
            } else if (alts.size() < alternatives) {
                alts.add(o);
            }
            if (!explain && alts.size() >= alternatives) {
                break;
            }
        }
        Map<Constraint, Integer> rejections = new EnumMap<>(Constraint.class);
        for (Constraint c : Constraint.values()) {
            if (rejected[c.ordinal()] > 0) {
                rejections.put(c, rejected[c.ordinal()]);
            }
        }
        PriceQuote price = chosen == null ? null : chosen.effectivePrice(spotAllowed);
        boolean spot = chosen != null && spotAllowed && chosen.spot() != null;
        return new MappingResult(spec, offers.region(), chosen, price, spot, Collections.unmodifiableList(alts),
                Collections.unmodifiableSet(binding), considered, satisfying, Collections.unmodifiableMap(rejections),
                explain || chosen == null);
    }

    /**
     * The cheapest satisfying offer, or null: the lean path of cross-provider selection. Scans only the buckets of
     * the region whose architecture, GPU and TEE properties can match, each from its cheapest offer until the first
     * fit or the first offer no cheaper than the best fit so far; no explanation is built.
     */
    public static Offer cheapest(RegionOffers offers, ResourceSpec spec, MappingPolicy policy) {
        boolean spotAllowed = spec.allowSpot();
        Comparator<Offer> order = RegionOffers.order(spotAllowed);
        Offer best = null;
        double bestPrice = Double.POSITIVE_INFINITY;
        boolean gpu = spec.gpuCount() > 0;
        double cpu = spec.cpu() - EPSILON;
        double mem = spec.memoryGib() - EPSILON;
        for (int tee = spec.requireTee() ? 1 : 0; tee <= 1; tee++) {
            RegionOffers.Bucket b = offers.bucket(spotAllowed, spec.architecture(), gpu, tee == 1);
            for (int i = 0; i < b.offers.length; i++) {
                double price = b.price[i];
                if (price > bestPrice || Double.isInfinite(price)) {
                    break;
                }
                if (b.vcpus[i] < cpu || b.memoryGib[i] < mem) {
                    continue;
                }
                Offer o = b.offers[i];
                if (best != null && order.compare(o, best) >= 0) {
                    break;
                }
                Constraint c = check(o, spec, policy, spotAllowed);
                if (c == null) {
                    best = o;
                    bestPrice = price;
                    break;
                }
                if (c == Constraint.MAX_COST) {
                    break;
                }
            }
        }
        return best;
    }

    /**
     * Offers rejected per constraint when {@link #cheapest} found nothing: offers of the buckets that cannot match
     * are counted under the property that separates them (ARCHITECTURE, then GPU, then TEE); the buckets that can
     * match are checked offer by offer under their first failing constraint.
     */
    public static Map<Constraint, Integer> rejections(RegionOffers offers, ResourceSpec spec, MappingPolicy policy) {
        boolean spotAllowed = spec.allowSpot();
        int[] rejected = new int[Constraint.values().length];
        for (io.cloudprovisioner.domain.Architecture arch : io.cloudprovisioner.domain.Architecture.values()) {
            for (int g = 0; g <= 1; g++) {
                for (int tee = 0; tee <= 1; tee++) {
                    RegionOffers.Bucket b = offers.bucket(spotAllowed, arch, g == 1, tee == 1);
                    if (arch != spec.architecture()) {
                        rejected[Constraint.ARCHITECTURE.ordinal()] += b.offers.length;
                    } else if ((g == 1) != (spec.gpuCount() > 0)) {
                        rejected[Constraint.GPU.ordinal()] += b.offers.length;
                    } else if (spec.requireTee() && tee == 0) {
                        rejected[Constraint.TEE.ordinal()] += b.offers.length;
                    } else {
                        for (Offer o : b.offers) {
                            Constraint c = check(o, spec, policy, spotAllowed);
                            if (c != null) {
                                rejected[c.ordinal()]++;
                            }
                        }
                    }
                }
            }
        }
        Map<Constraint, Integer> out = new EnumMap<>(Constraint.class);
        for (Constraint c : Constraint.values()) {
            if (rejected[c.ordinal()] > 0) {
                out.put(c, rejected[c.ordinal()]);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The bound that rules the whole region out before any offer is looked at (too few vCPUs, too little memory,
     * too few GPUs, no TEE anywhere), or null when some offer might fit.
     */
    public static Constraint regionBound(RegionOffers offers, ResourceSpec spec) {
        if (offers.maxVcpus() + EPSILON < spec.cpu()) {
            return Constraint.CPU;
        }
        if (offers.maxMemoryGib() + EPSILON < spec.memoryGib()) {
            return Constraint.MEMORY;
        }
        if (offers.maxGpus() < spec.gpuCount()) {
            return Constraint.GPU;
        }
        if (spec.requireTee() && !offers.hasTee()) {
            return Constraint.TEE;
        }
        return null;
    }

    /** The first constraint {@code o} fails, or null when it satisfies the request. */
    public static Constraint check(Offer o, ResourceSpec spec, MappingPolicy policy, boolean spotAllowed) {
        InstanceTypeSpec t = o.type();
        if (t.retired()) {
            return Constraint.RETIRED;
        }
        if (!o.priced()) {
            return Constraint.PRICE_UNKNOWN;
        }
        if (t.architecture() != spec.architecture()) {
            return Constraint.ARCHITECTURE;
        }
        if (t.vcpus() + EPSILON < spec.cpu()) {
            return Constraint.CPU;
        }
        if (t.memoryGib() + EPSILON < spec.memoryGib()) {
            return Constraint.MEMORY;
        }
        if (!gpuFits(t, spec)) {
            return Constraint.GPU;
        }
        if (spec.requireTee() && !teeFits(t.tee(), spec.teeTechnologies())) {
            return Constraint.TEE;
        }
        if (!policy.familyAllowed(t.family())) {
            return Constraint.FAMILY;
        }
        if ((t.burstable() || t.sharedCore()) && !policy.allowBurstable()) {
            return Constraint.BURSTABLE;
        }
        if (policy.minGeneration() > 0 && t.generation() < policy.minGeneration()) {
            return Constraint.GENERATION;
        }
        if (t.bareMetal() && !policy.allowBareMetal()) {
            return Constraint.BARE_METAL;
        }
        if (policy.maxHourlyUsd() > 0 && o.effectiveUsdPerHour(spotAllowed) > policy.maxHourlyUsd() + EPSILON) {
            return Constraint.MAX_COST;
        }
        return null;
    }

    private static boolean gpuFits(InstanceTypeSpec t, ResourceSpec spec) {
        if (spec.gpuCount() == 0) {
            return t.gpuCount() == 0;
        }
        if (t.gpuCount() < spec.gpuCount()) {
            return false;
        }
        return spec.gpuModel().isEmpty()
                || t.gpuModel().toLowerCase(Locale.ROOT).contains(spec.gpuModel().toLowerCase(Locale.ROOT));
    }

    private static boolean teeFits(Set<TeeTechnology> offered, Set<TeeTechnology> accepted) {
        for (TeeTechnology t : offered) {
            if (accepted.contains(t)) {
                return true;
            }
        }
        return false;
    }
}

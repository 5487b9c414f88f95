package io.cloudprovisioner.catalog;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Narrows which instance types may be chosen. Families are compared case-insensitively.
 *
 * @param allowedFamilies empty = every family
 * @param deniedFamilies never chosen
 * @param allowBurstable burstable / shared-core types allowed
 * @param minGeneration minimum family generation, 0 = any
 * @param allowBareMetal bare-metal types allowed
 * @param maxHourlyUsd maximum effective hourly price, 0 = no limit
 */
public record MappingPolicy(Set<String> allowedFamilies, Set<String> deniedFamilies, boolean allowBurstable,
        int minGeneration, boolean allowBareMetal, double maxHourlyUsd) {

    public static final MappingPolicy DEFAULT = new MappingPolicy(Set.of(), Set.of(), true, 0, false, 0);

    public MappingPolicy {
        allowedFamilies = lower(allowedFamilies);
        deniedFamilies = lower(deniedFamilies);
    }

    private static Set<String> lower(Set<String> in) {
        if (in == null) {
            return Set.of();
        }
        return in.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Combines this (configured defaults) with a request's policy: the request's allow list wins when set, deny
     * lists are merged, the stricter minimum generation and cost cap win, and the request's booleans win when the
     * request set them (null = not set).
     */
    public MappingPolicy combine(Set<String> allowed, Set<String> denied, Boolean burstable, int generation,
            Boolean bareMetal, double maxUsd) {
        Set<String> deny = new TreeSet<>(deniedFamilies);
        deny.addAll(lower(denied));
        Set<String> allow = allowed == null || allowed.isEmpty() ? allowedFamilies : lower(allowed);
        double cap = maxHourlyUsd == 0 ? maxUsd : (maxUsd == 0 ? maxHourlyUsd : Math.min(maxHourlyUsd, maxUsd));
        return new MappingPolicy(allow, deny, burstable == null ? allowBurstable : burstable,
                Math.max(minGeneration, generation), bareMetal == null ? allowBareMetal : bareMetal, cap);
    }

    public MappingPolicy withMaxHourlyUsd(double maxUsd) {
        return combine(null, null, null, 0, null, maxUsd);
    }

    boolean familyAllowed(String family) {
        if (deniedFamilies.isEmpty() && allowedFamilies.isEmpty()) {
            return true; // the default policy: no per-offer lower-casing on the selection hot path
        }
        String f = family.toLowerCase(Locale.ROOT);
        return !deniedFamilies.contains(f) && (allowedFamilies.isEmpty() || allowedFamilies.contains(f));
    }
}

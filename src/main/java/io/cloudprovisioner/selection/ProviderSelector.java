package io.cloudprovisioner.selection;

import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Constraint;
import io.cloudprovisioner.catalog.InstanceTypeMapper;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceQuote;
import io.cloudprovisioner.catalog.ProviderCatalog;
import io.cloudprovisioner.catalog.RegionOffers;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderDescriptor;
import io.cloudprovisioner.provider.ProviderRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cheapest-fit selection across providers and regions: one candidate per provider / region / deployment type
 * (the cheapest satisfying type there), ranked by the price the caller would pay, ties broken by provider
 * priority, preferred deployment type, then provider, region and type names. Everything that produced no
 * candidate is returned with its reason. Pure apart from reading the catalog and the credential cache.
 */
@Singleton
public class ProviderSelector {
    /** Deployment types whose cost is an instance price the catalog knows. */
    private static final Set<DeploymentType> PRICED = EnumSet.of(DeploymentType.VM,
            DeploymentType.MANAGED_KUBERNETES);

    private final CatalogStore catalog;
    private final ProviderRegistry providers;

    @Inject
    public ProviderSelector(CatalogStore catalog, ProviderRegistry providers) {
        this.catalog = catalog;
        this.providers = providers;
    }

    public SelectionResult select(ResourceSpec spec, SelectionPreferences prefs, int maxCandidates,
            String preferencesSource) {
        return select(catalog.current(), spec, prefs, maxCandidates, preferencesSource);
    }

    /** As {@link #select(ResourceSpec, SelectionPreferences, int, String)}, on the catalog snapshot {@code cat}. */
    public SelectionResult select(Catalog cat, ResourceSpec spec, SelectionPreferences prefs, int maxCandidates,
            String preferencesSource) {
        List<Candidate> candidates = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        MappingPolicy effectivePolicy = prefs.policy().withMaxHourlyUsd(prefs.maxHourlyUsd());
        for (Provider p : Provider.values()) {
            ProviderPreference pref = preference(prefs, p);
            if (pref == null) {
                rejections.add(Rejection.of(p, "", "NOT_ENABLED", p.displayName() + " is not in the preferences' "
                        + "provider list"));
                continue;
            }
            ProviderDescriptor d = providers.descriptor(p);
            CredentialStatus cred = providers.credentials(p);
            if (!cred.configured() && !prefs.includeUnconfigured()) {
                rejections.add(Rejection.of(p, "", "NOT_CONFIGURED", p.displayName() + " has no credentials: "
                        + cred.missing()));
                continue;
            }
            ProviderCatalog pc = cat.provider(p);
            if (spec.requireTee() && !pc.hasTee()) {
                rejections.add(Rejection.of(p, "", "TEE_UNSUPPORTED", p.displayName()
                        + " offers no confidential-computing instance type"));
                continue;
            }
            List<DeploymentType> types = deploymentTypes(prefs, d, p, rejections);
            if (types.isEmpty()) {
                continue;
            }
            boolean spot = spec.allowSpot() && prefs.spotAllowed() && d.spotCapacity()
                    && spec.qos().slaTarget() == 0;
            ResourceSpec effective = spec.withSpot(spot);
            Iterable<RegionOffers> regions = pref.regions().isEmpty() ? pc.regions().values()
                    : pref.regions().stream().map(r -> pc.regions().get(r) == null ? new Missing(r).offers()
                            : pc.regions().get(r)).toList();
            for (RegionOffers offers : regions) {
                if (offers.size() == 0) {
                    rejections.add(Rejection.of(p, offers.region(), "REGION_UNKNOWN", "the catalog has no offers for "
                            + p.displayName() + " in region '" + offers.region() + "'"));
                    continue;
                }
                Constraint bound = InstanceTypeMapper.regionBound(offers, effective);
                Offer best = bound == null ? InstanceTypeMapper.cheapest(offers, effective, effectivePolicy) : null;
                if (best == null) {
                    rejections.add(noFit(p, offers, effective, effectivePolicy, bound));
                    continue;
                }
                PriceQuote price = best.effectivePrice(effective.allowSpot());
                boolean isSpot = effective.allowSpot() && best.spot() != null;
                for (DeploymentType t : types) {
                    candidates.add(new Candidate(0, best, t, price, isSpot, pref.effectivePriority(), ""));
                }
            }
        }
        candidates.sort(order(prefs));
        int total = candidates.size();
        List<Candidate> ranked = new ArrayList<>(Math.min(total, maxCandidates));
        for (int i = 0; i < total && i < maxCandidates; i++) {
            Candidate c = candidates.get(i);
            ranked.add(c.withRank(i + 1, reason(i, c, candidates)));
        }
        return new SelectionResult(spec, List.copyOf(ranked), List.copyOf(rejections), total, preferencesSource);
    }

    /**
     * Why a region produced no candidate. A region ruled out by its bounds counts all its offers under that bound;
     * otherwise the counts come from {@link InstanceTypeMapper#rejections}.
     */
    private static Rejection noFit(Provider p, RegionOffers offers, ResourceSpec spec, MappingPolicy policy,
            Constraint bound) {
        if (bound != null) {
            return new Rejection(p, offers.region(), null, "NO_FIT", "no offer in the region has enough "
                    + bound.name().toLowerCase(Locale.ROOT) + (bound == Constraint.TEE ? " support" : ""),
                    Map.of(bound, offers.size()));
        }
        Map<Constraint, Integer> counts = InstanceTypeMapper.rejections(offers, spec, policy);
        boolean overCost = counts.containsKey(Constraint.MAX_COST);
        return new Rejection(p, offers.region(), null, overCost ? "OVER_MAX_COST" : "NO_FIT",
                overCost ? "types fit but cost more than $" + policy.maxHourlyUsd() + "/h"
                        : "no instance type satisfies the request", counts);
    }

    /** A region named in the preferences that the catalog does not know. */
    private record Missing(String region) {
        RegionOffers offers() {
            return RegionOffers.empty(region);
        }
    }

    private static ProviderPreference preference(SelectionPreferences prefs, Provider p) {
        if (prefs.providers().isEmpty()) {
            return new ProviderPreference(p, List.of(), 0);
        }
        for (ProviderPreference pp : prefs.providers()) {
            if (pp.provider() == p) {
                return pp;
            }
        }
        return null;
    }

    private static List<DeploymentType> deploymentTypes(SelectionPreferences prefs, ProviderDescriptor d,
            Provider p, List<Rejection> rejections) {
        List<DeploymentType> out = new ArrayList<>();
        for (DeploymentType t : prefs.allowedDeploymentTypes()) {
            if (!d.deploymentTypes().contains(t)) {
                rejections.add(new Rejection(p, "", t, "DEPLOYMENT_TYPE_UNSUPPORTED", p.displayName()
                        + " has no " + t.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " offering", Map.of()));
            } else if (!PRICED.contains(t)) {
                rejections.add(new Rejection(p, "", t, "NOT_PRICED", "the catalog prices instances; "
                        + t.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + " is not billed per instance and cannot be ranked", Map.of()));
            } else {
                out.add(t);
            }
        }
        return out;
    }

    private static Comparator<Candidate> order(SelectionPreferences prefs) {
        List<DeploymentType> preferred = prefs.preferredDeploymentTypes();
        return Comparator.<Candidate>comparingDouble(c -> c.effectivePrice().usdPerHour())
                .thenComparingInt(Candidate::providerPriority)
                .thenComparingInt(c -> {
                    int i = preferred.indexOf(c.deploymentType());
                    return i < 0 ? Integer.MAX_VALUE : i;
                })
                .thenComparing(c -> c.offer().type().provider())
                .thenComparing(c -> c.offer().region())
                .thenComparing(c -> c.offer().type().name());
    }

    private static String reason(int index, Candidate c, List<Candidate> all) {
        String price = "$" + c.effectivePrice().usdPerHour() + "/h" + (c.spot() ? " spot" : "");
        if (index == 0) {
            return "cheapest satisfying offer at " + price;
        }
        Candidate prev = all.get(index - 1);
        if (prev.effectivePrice().usdPerHour() < c.effectivePrice().usdPerHour()) {
            long tenths = Math.round(1000.0 * (c.effectivePrice().usdPerHour()
                    / all.get(0).effectivePrice().usdPerHour() - 1));
            return price + ", " + tenths / 10 + "." + tenths % 10 + "% more than the cheapest";
        }
        return price + ", same price as rank " + index + "; placed after it by priority / deployment-type "
                + "preference / name";
    }
}

package io.cloudprovisioner.selection;

import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.domain.DeploymentType;
import java.util.List;

/**
 * How to choose among providers.
 *
 * @param providers providers to consider; empty = all (configured ones unless includeUnconfigured)
 * @param allowedDeploymentTypes empty = VM only
 * @param preferredDeploymentTypes tie-breaker order
 * @param maxHourlyUsd cost cap, 0 = none
 * @param allowFallback provisioning may move to the next candidate on capacity / quota errors
 * @param spotAllowed spot capacity may be used (the request's spec must allow it too)
 * @param includeUnconfigured consider providers without credentials (planning)
 * @param policy mapping policy for every provider
 */
public record SelectionPreferences(List<ProviderPreference> providers, List<DeploymentType> allowedDeploymentTypes,
        List<DeploymentType> preferredDeploymentTypes, double maxHourlyUsd, boolean allowFallback,
        boolean spotAllowed, boolean includeUnconfigured, MappingPolicy policy) {

    /** Every configured provider, every region, VMs, no cost cap, fallback and spot allowed. */
    public static final SelectionPreferences DEFAULT = new SelectionPreferences(List.of(), List.of(DeploymentType.VM),
            List.of(DeploymentType.VM), 0, true, true, false, MappingPolicy.DEFAULT);

    public SelectionPreferences {
        providers = providers == null ? List.of() : List.copyOf(providers);
        allowedDeploymentTypes = allowedDeploymentTypes == null || allowedDeploymentTypes.isEmpty()
                ? List.of(DeploymentType.VM)
                : List.copyOf(allowedDeploymentTypes);
        preferredDeploymentTypes = preferredDeploymentTypes == null ? List.of() : List.copyOf(preferredDeploymentTypes);
        policy = policy == null ? MappingPolicy.DEFAULT : policy;
    }
}

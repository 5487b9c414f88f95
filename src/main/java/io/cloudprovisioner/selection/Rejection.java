package io.cloudprovisioner.selection;

import io.cloudprovisioner.catalog.Constraint;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import java.util.Map;

/**
 * Something that produced no candidate.
 *
 * @param region empty when the whole provider was rejected
 * @param deploymentType null unless the rejection is about one
 * @param reason machine-readable: NOT_ENABLED, NOT_CONFIGURED, TEE_UNSUPPORTED, REGION_UNKNOWN,
 *     DEPLOYMENT_TYPE_UNSUPPORTED, NOT_PRICED, NO_FIT, OVER_MAX_COST
 * @param constraints for NO_FIT / OVER_MAX_COST: offers rejected per constraint
 */
public record Rejection(Provider provider, String region, DeploymentType deploymentType, String reason,
        String message, Map<Constraint, Integer> constraints) {

    static Rejection of(Provider p, String region, String reason, String message) {
        return new Rejection(p, region, null, reason, message, Map.of());
    }
}

package io.cloudprovisioner.api;

import io.cloudprovisioner.quota.RequestRateLimiter;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The per-principal rate limit of mutating RPCs (ProvisionInstance, TerminateInstance, Reconcile, DeployBlueprint,
 * DeployBlueprintToTarget, CleanupBlueprint), taken first in each: a refused call does nothing else.
 */
@Singleton
public class MutatingCallLimit {
    @Inject
    RequestRateLimiter limiter;

    /** Takes a token for {@code caller}'s call of {@code rpc}, or refuses it (RESOURCE_EXHAUSTED with RetryInfo). */
    void admit(CallerInterceptor.Caller caller, String rpc) {
        limiter.admit(caller.principal(), caller.admin(), rpc);
    }
}

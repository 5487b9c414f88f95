package io.cloudprovisioner.harness;

/**
 * Faults a stand-in can inject into one call. Each stand-in answers them with its provider's real wire form
 * (EC2 RequestLimitExceeded / InsufficientInstanceCapacity XML, GCP 429 / ZONE_RESOURCE_POOL_EXHAUSTED operation
 * errors, Azure 429 / SkuNotAvailable / AllocationFailed, DigitalOcean and Vultr 429 / 5xx / 422 JSON).
 */
public enum Fault {
    /** Throttling: HTTP 429 or the provider's rate-limit error, with its retry-after hint where it has one. */
    THROTTLE,
    /** HTTP 500 / 503 from the provider. */
    SERVER_ERROR,
    /** A response delayed by {@link FaultPlan#slowDelayMillis()} (then answered normally). */
    SLOW,
    /** No capacity for the type in the zone / region. */
    CAPACITY,
    /** Account quota or limit exceeded. */
    QUOTA,
    /** Credentials rejected (401 / 403 / AuthFailure). */
    AUTH,
    /**
     * The call succeeds in the cloud but its answer is lost (HTTP 503 after the instance was created): the
     * "cannot determine the creation result" case. Stand-ins that create instances honour it on their create
     * operation; elsewhere it is a SERVER_ERROR.
     */
    LOST_RESPONSE
}

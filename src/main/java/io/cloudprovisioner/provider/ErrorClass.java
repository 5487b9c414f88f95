package io.cloudprovisioner.provider;

/** The one classification every provider error gets; retry, failover and the gRPC status all read it. */
public enum ErrorClass {
    /** No capacity for the type in the zone / region (InsufficientInstanceCapacity, ZONE_RESOURCE_POOL_EXHAUSTED,
     * SkuNotAvailable, AllocationFailed). Retry elsewhere, not here. */
    CAPACITY(false),
    /** Account quota or limit reached. Retry elsewhere. */
    QUOTA(false),
    /** Throttled (HTTP 429, RequestLimitExceeded). Retry here after a backoff. */
    RATE_LIMITED(true),
    /** 5xx, timeouts, connection failures. Retry here after a backoff. */
    TRANSIENT(true),
    /** Credentials missing, invalid or not allowed. Never retried. */
    AUTH(false),
    /** The provider rejected the request as malformed or unsupported. Never retried. */
    INVALID_REQUEST(false),
    /** The instance (or another named resource) does not exist. */
    NOT_FOUND(false);

    private final boolean retryable;

    ErrorClass(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether retrying the same call at the same place can succeed. */
    public boolean retryable() {
        return retryable;
    }
}

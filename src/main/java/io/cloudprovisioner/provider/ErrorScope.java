package io.cloudprovisioner.provider;

/** How far an error blocks: failover moves past the scope an error names. */
public enum ErrorScope {
    /** Only this request. */
    REQUEST,
    /** The zone (try another zone). */
    ZONE,
    /** The region (try another region). */
    REGION,
    /** The whole provider (try another provider). */
    PROVIDER
}

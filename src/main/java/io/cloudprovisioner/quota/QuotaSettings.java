package io.cloudprovisioner.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Per-principal quotas and limits ({@code cloudprovisioner.quotas.*}, README "Quotas and limits"). Every limit is
 * unset (unlimited) by default; {@code cloudprovisioner.quotas.principals."<name>".<limit>} overrides the default
 * limit for one principal (the authenticated name: an API key's principal, a JWT's upn, a certificate's CN).
 */
@ConfigMapping(prefix = "cloudprovisioner.quotas")
public interface QuotaSettings {

    /** The limits of every principal without an override of its own. */
    @WithParentName
    Limits defaults();

    /** Per-principal overrides; a limit an override leaves unset falls back to the default one. */
    Map<String, Limits> principals();

    /** Whether callers with the admin role are exempt from the quotas and the rate limit. */
    @WithDefault("false")
    boolean exemptAdmins();

    /**
     * The longest a call may take on the server: a call without a deadline, or with a later one, gets this one
     * (the call then ends DEADLINE_EXCEEDED when it passes).
     */
    @WithDefault("30m")
    Duration maxDeadline();

    /** One set of limits; each unset = unlimited. */
    interface Limits {
        /** Provisions of the principal in flight at once (in this process, and its CREATING ledger records). */
        OptionalInt maxConcurrentProvisions();

        /** The principal's ledger records in CREATING, RUNNING or TERMINATING state. */
        OptionalInt maxLiveInstances();

        /** Estimated USD per hour of the principal's live instances plus the one being requested. */
        OptionalDouble maxHourlyUsd();

        /** Mutating RPCs per second (token bucket refill rate). */
        OptionalDouble requestsPerSecond();

        /** Token bucket size: mutating RPCs allowed in a burst (default: the rate rounded up, at least 1). */
        OptionalInt burst();
    }
}

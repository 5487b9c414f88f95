package io.cloudprovisioner.quota;

import java.time.Duration;
import java.util.Locale;

/**
 * A request refused by a per-principal quota or the rate limit, before anything was recorded or sent to a cloud.
 * The API answers RESOURCE_EXHAUSTED with a QuotaFailure (subject {@code principal:<name>}), an ErrorInfo with
 * {@link Limit#reason()} and, for the rate limit, a RetryInfo.
 */
public final class QuotaException extends RuntimeException {

    /** Which limit refused. */
    public enum Limit {
        CONCURRENT_PROVISIONS("QUOTA_CONCURRENT_PROVISIONS", "max-concurrent-provisions"),
        LIVE_INSTANCES("QUOTA_LIVE_INSTANCES", "max-live-instances"),
        HOURLY_SPEND("QUOTA_HOURLY_SPEND", "max-hourly-usd"),
        REQUEST_RATE("QUOTA_REQUEST_RATE", "requests-per-second");

        private final String reason;
        private final String setting;

        Limit(String reason, String setting) {
            this.reason = reason;
            this.setting = setting;
        }

        /** The ErrorInfo reason. */
        public String reason() {
            return reason;
        }

        /** The setting's name under cloudprovisioner.quotas. */
        public String setting() {
            return setting;
        }

        /** The metric tag value (bounded). */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Limit limit;
    private final String principal;
    private final String limitValue;
    private final String usage;
    private final String description;
    private final transient Duration retryAfter;

    QuotaException(Limit limit, String principal, String limitValue, String usage, String description,
            Duration retryAfter) {
        super("quota exceeded for principal " + principal + ": " + description, null, false, false);
        this.limit = limit;
        this.principal = principal;
        this.limitValue = limitValue;
        this.usage = usage;
        this.description = description;
        this.retryAfter = retryAfter;
    }

    public Limit limit() {
        return limit;
    }

    public String principal() {
        return principal;
    }

    /** The QuotaFailure violation's subject. */
    public String subject() {
        return "principal:" + principal;
    }

    /** The limit's value, as configured. */
    public String limitValue() {
        return limitValue;
    }

    /** What is in use now. */
    public String usage() {
        return usage;
    }

    /** Names the limit, its value and the current usage. */
    public String description() {
        return description;
    }

    /** REQUEST_RATE: when the next call may pass; else null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

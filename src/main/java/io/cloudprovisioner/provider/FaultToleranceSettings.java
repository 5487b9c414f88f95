package io.cloudprovisioner.provider;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How one provider's calls are guarded by SmallRye Fault Tolerance ({@link ProviderGuard}), as the group
 * {@code cloudprovisioner.<provider>.fault-tolerance.*} of that provider's settings. Every key defaults to the same
 * key under {@code cloudprovisioner.fault-tolerance.*}, whose values are stated in application.properties, so one
 * provider can be tuned without repeating the rest.
 */
public interface FaultToleranceSettings {
    /** Retries after the first attempt (RATE_LIMITED, TRANSIENT and timeouts only); 0 turns retrying off. */
    @WithDefault("${cloudprovisioner.fault-tolerance.max-retries}")
    int maxRetries();

    /** Delay before the first retry; each further retry doubles it. */
    @WithDefault("${cloudprovisioner.fault-tolerance.retry-delay}")
    Duration retryDelay();

    /**
     * Cap of one retry delay. A provider's retry-after hint is honoured up to this cap; a longer hint is not waited
     * for (the error is returned at once, with the hint).
     */
    @WithDefault("${cloudprovisioner.fault-tolerance.retry-max-delay}")
    Duration retryMaxDelay();

    /** Random share of each backoff delay, 0 to 1: a delay d becomes uniform in [d * (1 - jitter), d]. */
    @WithDefault("${cloudprovisioner.fault-tolerance.retry-jitter}")
    double retryJitter();

    /** No retry starts later than this after the first attempt began (long provisions are not repeated). */
    @WithDefault("${cloudprovisioner.fault-tolerance.retry-max-duration}")
    Duration retryMaxDuration();

    /** Time limit of one attempt of a read (describe, list, discover types). */
    @WithDefault("${cloudprovisioner.fault-tolerance.call-timeout}")
    Duration callTimeout();

    /** Time limit of one provision attempt; must exceed the adapter's own wait for the instance to run. */
    @WithDefault("${cloudprovisioner.fault-tolerance.provision-timeout}")
    Duration provisionTimeout();

    /** Time limit of one terminate attempt; must exceed the adapter's own wait for the deletes. */
    @WithDefault("${cloudprovisioner.fault-tolerance.terminate-timeout}")
    Duration terminateTimeout();

    /** Circuit breaker: the rolling window of attempts it judges. */
    @WithDefault("${cloudprovisioner.fault-tolerance.breaker-request-volume}")
    int breakerRequestVolume();

    /** Circuit breaker: share of outages (retryable errors, timeouts) in the window that opens it. */
    @WithDefault("${cloudprovisioner.fault-tolerance.breaker-failure-ratio}")
    double breakerFailureRatio();

    /** Circuit breaker: how long it stays open (calls fail fast) before letting trial calls through. */
    @WithDefault("${cloudprovisioner.fault-tolerance.breaker-delay}")
    Duration breakerDelay();

    /** Circuit breaker: successful trial calls that close it again. */
    @WithDefault("${cloudprovisioner.fault-tolerance.breaker-success-threshold}")
    int breakerSuccessThreshold();

    /** Bulkhead: concurrent calls to the provider; more are refused at once (RATE_LIMITED). */
    @WithDefault("${cloudprovisioner.fault-tolerance.bulkhead}")
    int bulkhead();
}

package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * SmallRye Fault Tolerance around every cloud call of one provider. Built from SmallRye {@link Guard}s, nested:
 *
 * <pre>
 * bulkhead (per provider)
 *   -> retry + circuit breaker (per provider, one breaker for all of the provider's calls)
 *        -> timeout (per kind of call: provision, terminate, read)
 *             -> the adapter's work
 * </pre>
 *
 * Retry: only errors whose {@link ErrorClass} is retryable (RATE_LIMITED, TRANSIENT) and this guard's own timeouts,
 * never a failure whose outcome is unknown (a create that may have happened), with exponential backoff, jitter, a cap,
 * and the provider's retry-after hint honoured up to that cap. The breaker counts the same outages and nothing else:
 * CAPACITY, QUOTA, AUTH, INVALID_REQUEST and NOT_FOUND are answers from a working provider. The bulkhead refuses
 * calls beyond its limit at once, so one slow provider cannot take every provider-call thread.
 * <p>
 * Whatever leaves {@link #call} is a classified {@link ProviderException}: SmallRye's own exceptions are translated
 * here (open breaker: TRANSIENT for the provider with the time until the breaker half-opens; full bulkhead:
 * RATE_LIMITED; timeout: TRANSIENT), so retry, failover and the gRPC status keep reading one classification.
 */
public final class ProviderGuard {
    private static final Logger LOG = Logger.getLogger(ProviderGuard.class);

    /** The kinds of call, each with its own time limit. */
    public enum Call {
        /** Create (or find) the instance and wait until it runs. */
        PROVISION,
        /** Delete the instance and what belongs to it, waiting for the deletes. */
        TERMINATE,
        /** Describe, list, discover types. */
        READ
    }

    private final Provider provider;
    private final FaultToleranceSettings settings;
    private final String name;
    private final Guard bulkhead;
    private final Guard retryAndBreaker;
    private final Map<Call, Guard> timeouts = new EnumMap<>(Call.class);
    /** The last outage the breaker counted, and the one it opened on (with when): an open breaker names its cause. */
    private volatile Outage lastOutage;
    private volatile Outage openedOn;
    /** The breaker's state as its last transition left it (for the breaker-state gauge). */
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private final ProviderMetrics metrics;

    /** An outage the breaker counted: when, and what it was. */
    record Outage(Instant at, String what) {
    }

    ProviderGuard(Provider provider, FaultToleranceSettings s) {
        this(provider, s, ProviderMetrics.NONE);
    }

    ProviderGuard(Provider provider, FaultToleranceSettings s, ProviderMetrics metrics) {
        this.provider = provider;
        this.settings = s;
        this.metrics = metrics;
        this.name = breakerName(provider);
        this.bulkhead = Guard.create().withDescription(name + "-bulkhead")
                .withBulkhead().limit(Math.max(1, s.bulkhead())).done()
                .build();
        Duration cap = s.retryMaxDelay();
        this.retryAndBreaker = Guard.create().withDescription(name)
                .withRetry()
                    .maxRetries(Math.max(0, s.maxRetries()))
                    .delay(millis(s.retryDelay()), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS) // the backoff below adds its own, proportional jitter
                    .maxDuration(millis(s.retryMaxDuration()), ChronoUnit.MILLIS)
                    .whenException(t -> shouldRetry(t, cap))
                    .withCustomBackoff().strategy(() -> new Backoff(cap, s.retryJitter())).done()
                    .beforeRetry(t -> {
                        LOG.debugf("%s: retrying after %s", provider.displayName(), describe(t));
                        metrics.retried(provider, retryCause(t));
                    })
                    .done()
                .withCircuitBreaker()
                    .name(name)
                    .when(this::countOutage)
                    .requestVolumeThreshold(Math.max(1, s.breakerRequestVolume()))
                    .failureRatio(s.breakerFailureRatio())
                    .delay(millis(s.breakerDelay()), ChronoUnit.MILLIS)
                    .successThreshold(Math.max(1, s.breakerSuccessThreshold()))
                    .onStateChange(this::stateChanged)
                    .done()
                .build();
        for (Call kind : Call.values()) {
            timeouts.put(kind, Guard.create().withDescription(name + "-" + kind.name().toLowerCase(Locale.ROOT))
                    .withTimeout().duration(millis(timeout(kind)), ChronoUnit.MILLIS).done()
                    .build());
        }
    }

    /** The name of the provider's circuit breaker (for {@code CircuitBreakerMaintenance}). */
    public static String breakerName(Provider provider) {
        return "cloudprovisioner-" + provider.id();
    }

    public Provider provider() {
        return provider;
    }

    /** The time limit of one attempt of {@code kind}. */
    public Duration timeout(Call kind) {
        return switch (kind) {
            case PROVISION -> settings.provisionTimeout();
            case TERMINATE -> settings.terminateTimeout();
            case READ -> settings.callTimeout();
        };
    }

    /**
     * Logs a warning when the time limit of {@code kind} does not exceed a wait the adapter bounds itself (e.g. the
     * wait for an instance to run): the guard would then cut that wait short.
     */
    public void expectLongerThan(Call kind, Duration ownBound, String what) {
        if (timeout(kind).compareTo(ownBound) <= 0) {
            LOG.warnf("%s: the fault-tolerance %s timeout (%s) does not exceed %s (%s); set "
                    + "cloudprovisioner.%s.fault-tolerance.%s-timeout longer", provider.displayName(),
                    kind.name().toLowerCase(Locale.ROOT), timeout(kind), what, ownBound, provider.id(),
                    kind == Call.READ ? "call" : kind.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Runs one adapter operation under the provider's guards; throws only classified {@link ProviderException}s. */
    public <T> T call(Call kind, Supplier<T> work) {
        Guard timeout = timeouts.get(kind);
        Class<T> type = anyType();
        Callable<T> attempt = () -> timeout.call(work::get, type);
        try {
            return bulkhead.call(() -> retryAndBreaker.call(attempt, type), type);
        } catch (ProviderException e) {
            throw e;
        } catch (CircuitBreakerOpenException e) {
            throw breakerOpen(e);
        } catch (BulkheadException e) {
            throw bulkheadFull(e);
        } catch (TimeoutException e) {
            throw timedOut(kind, e);
        } catch (FaultToleranceException e) {
            throw new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "fault_tolerance",
                    provider.displayName() + " call failed in its fault-tolerance guard ("
                            + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.REQUEST, "interrupted",
                    "interrupted while calling " + provider.displayName(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // The work is a Supplier: nothing checked can come from it.
            throw new IllegalStateException(e);
        }
    }

    /**
     * The retry predicate: retry what retrying here can fix, i.e. a retryable {@link ErrorClass} or this guard's own
     * timeout; never a failure whose outcome is unknown, and not when the provider asks for a longer wait than the
     * cap of one retry delay.
     */
    static boolean shouldRetry(Throwable t, Duration maxDelay) {
        if (t instanceof TimeoutException) {
            return true;
        }
        if (!(t instanceof ProviderException pe) || !pe.retryable() || pe.outcomeUnknown()) {
            return false;
        }
        return pe.retryAfterHint().map(hint -> hint.compareTo(maxDelay) <= 0).orElse(true);
    }

    /** The breaker predicate: an outage of the provider (a retryable class, or a timeout), not one of its answers. */
    static boolean isOutage(Throwable t) {
        return t instanceof TimeoutException || t instanceof ProviderException pe && pe.retryable();
    }

    /** The breaker's predicate, remembering the outage it counts. */
    private boolean countOutage(Throwable t) {
        boolean outage = isOutage(t);
        if (outage) {
            lastOutage = new Outage(Instant.now(), describeOutage(t));
        }
        return outage;
    }

    /** What an outage was, for people: class, provider code and the (bounded) message. */
    static String describeOutage(Throwable t) {
        String what = t instanceof ProviderException pe
                ? pe.errorClass() + " (" + pe.providerCode() + "): " + pe.getMessage()
                : "no answer within the call's time limit";
        return what.length() <= 300 ? what : what.substring(0, 299) + "…";
    }

    /**
     * The breaker's current state: SmallRye's (which also sees resets through {@code CircuitBreakerMaintenance}),
     * else the state its last transition left.
     */
    public CircuitBreakerState breakerState() {
        try {
            return io.smallrye.faulttolerance.api.CircuitBreakerMaintenance.get().currentState(name);
        } catch (RuntimeException e) {
            return state;
        }
    }

    /** Why a retry happens, as a bounded metric tag: the error class, or "timeout". */
    static String retryCause(Throwable t) {
        return t instanceof ProviderException pe ? pe.errorClass().name() : "TIMEOUT";
    }

    private void stateChanged(CircuitBreakerState state) {
        this.state = state;
        metrics.breakerChanged(provider, state);
        if (state == CircuitBreakerState.OPEN) {
            Outage cause = lastOutage;
            openedOn = new Outage(Instant.now(), cause == null ? "repeated outages" : cause.what());
            LOG.warnf("%s circuit breaker OPEN after repeated outages, the last: %s; calls fail fast for %s, then "
                    + "trial calls", provider.displayName(), openedOn.what(), settings.breakerDelay());
        } else {
            LOG.infof("%s circuit breaker %s", provider.displayName(), state);
        }
    }

    private ProviderException breakerOpen(CircuitBreakerOpenException e) {
        Outage opened = openedOn;
        Instant now = Instant.now();
        Instant trial = opened == null ? now.plus(settings.breakerDelay()) : opened.at().plus(settings.breakerDelay());
        Duration wait = trial.isAfter(now) ? Duration.between(now, trial) : Duration.ofSeconds(1);
        String cause = opened == null ? "repeated outages" : opened.what();
        String since = opened == null ? "" : " since " + opened.at().truncatedTo(ChronoUnit.SECONDS);
        return new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "circuit_open",
                provider.displayName() + " calls are suspended" + since + " (circuit breaker open) after repeated "
                        + "outages, the last: " + cause + ". The next trial call is allowed in " + seconds(wait)
                        + " s (at " + trial.truncatedTo(ChronoUnit.SECONDS) + "); retry then or use another provider",
                e, wait, false);
    }

    private ProviderException bulkheadFull(BulkheadException e) {
        return new ProviderException(provider, ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, "bulkhead_full",
                "more than " + settings.bulkhead() + " concurrent " + provider.displayName()
                        + " calls; retry shortly", e, Duration.ofSeconds(1), false);
    }

    private ProviderException timedOut(Call kind, TimeoutException e) {
        return new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "timeout",
                provider.displayName() + " " + kind.name().toLowerCase(Locale.ROOT) + " call did not finish within "
                        + timeout(kind).toMillis() + " ms", e);
    }

    private static String describe(Throwable t) {
        return t instanceof ProviderException pe ? pe.errorClass() + " " + pe.providerCode()
                : t.getClass().getSimpleName();
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static long millis(Duration d) {
        return Math.max(1, d.toMillis());
    }

    /** Guards take the value type only to tell synchronous from asynchronous calls: every call here is synchronous. */
    @SuppressWarnings("unchecked")
    private static <T> Class<T> anyType() {
        return (Class<T>) (Class<?>) Object.class;
    }

    /**
     * Exponential backoff with proportional jitter and a cap, honouring the provider's retry-after hint: the n-th
     * retry waits {@code min(cap, base * 2^(n-1))}, less a random share of up to {@code jitter} of it, and never less
     * than the hint. One instance per guarded call (SmallRye creates it per invocation).
     */
    static final class Backoff implements CustomBackoffStrategy {
        private final long capMillis;
        private final double jitter;
        private long baseMillis;
        private int retries;

        Backoff(Duration cap, double jitter) {
            this.capMillis = Math.max(0, cap.toMillis());
            this.jitter = Math.min(1, Math.max(0, jitter));
        }

        @Override
        public void init(long initialDelayInMillis) {
            this.baseMillis = Math.max(0, initialDelayInMillis);
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            long exp = baseMillis << Math.min(retries++, 30);
            long delay = Math.min(capMillis, exp < 0 ? Long.MAX_VALUE : exp);
            long jittered = delay - (long) (delay * jitter * ThreadLocalRandom.current().nextDouble());
            long hint = cause instanceof ProviderException pe
                    ? pe.retryAfterHint().map(Duration::toMillis).orElse(0L) : 0L;
            return Math.max(jittered, Math.min(hint, capMillis));
        }
    }
}

package io.cloudprovisioner.quota;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-principal rate limit on mutating RPCs: one token bucket per principal (refilled at
 * {@code requests-per-second}, holding at most {@code burst} tokens), in this process. SmallRye Fault Tolerance's
 * {@code @RateLimit} limits a method for all callers and says nothing about when to retry, so the buckets are kept
 * here: a refusal carries the time until the next token as RetryInfo.
 */
@Singleton
public class RequestRateLimiter {
    /** Above this many buckets, full (idle) ones are dropped: a full bucket is the same as a new one. */
    static final int MAX_BUCKETS = 10_000;

    @Inject
    QuotaSettings settings;
    @Inject
    Quotas quotas;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes one token of {@code principal}'s bucket, or refuses the call of {@code rpc} with the wait. */
    public void admit(String principal, boolean admin, String rpc) {
        OptionalDouble rate = quotas.limit(principal, QuotaSettings.Limits::requestsPerSecond, OptionalDouble.empty());
        if (rate.isEmpty() || rate.getAsDouble() <= 0 || quotas.exempt(admin)) {
            return;
        }
        double perSecond = rate.getAsDouble();
        OptionalInt b = quotas.limit(principal, QuotaSettings.Limits::burst, OptionalInt.empty());
        int burst = Math.max(1, b.isPresent() ? b.getAsInt() : (int) Math.ceil(perSecond));
        if (buckets.size() > MAX_BUCKETS) {
            long now = System.nanoTime();
            buckets.values().removeIf(x -> x.full(now));
        }
        long waitNanos = buckets.computeIfAbsent(principal, k -> new Bucket(burst)).take(perSecond, burst,
                System.nanoTime());
        if (waitNanos > 0) {
            Duration wait = Duration.ofNanos(waitNanos);
            String rateText = String.format(Locale.ROOT, "%s", perSecond);
            throw quotas.refuse(QuotaException.Limit.REQUEST_RATE, principal, rateText, "burst of " + burst
                    + " used", "requests-per-second is " + rateText + " (burst " + burst + ") for mutating calls; "
                            + rpc + " refused, retry after " + wait.toMillis() + " ms", wait);
        }
    }

    /** A token bucket; thread-safe. */
    static final class Bucket {
        private double tokens;
        private long last;
        private double lastRate = 1;
        private int lastBurst;

        Bucket(int burst) {
            tokens = burst;
            lastBurst = burst;
            last = System.nanoTime();
        }

        /** Takes a token: 0, or the nanoseconds until one is there (nothing taken). */
        synchronized long take(double rate, int burst, long now) {
            refill(rate, burst, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / rate * 1e9));
        }

        private void refill(double rate, int burst, long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - last) / 1e9 * rate);
            last = now;
            lastRate = rate;
            lastBurst = burst;
        }

        synchronized boolean full(long now) {
            refill(lastRate, lastBurst, now);
            return tokens >= lastBurst;
        }
    }
}

package io.cloudprovisioner.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Provider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

/** The retry and breaker predicates and the backoff of {@link ProviderGuard}, without a running application. */
class ProviderGuardTest {
    static final Duration CAP = Duration.ofSeconds(30);

    static ProviderException error(ErrorClass c) {
        return new ProviderException(Provider.AWS, c, ErrorScope.REGION, "code", "message");
    }

    @Test
    void anOutageIsDescribedByClassCodeAndABoundedMessage() {
        assertEquals("TRANSIENT (http_503): the service is down", ProviderGuard.describeOutage(new ProviderException(
                Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "http_503", "the service is down")));
        String long_ = ProviderGuard.describeOutage(new ProviderException(Provider.AWS, ErrorClass.TRANSIENT,
                ErrorScope.PROVIDER, "x", "y".repeat(5000)));
        assertEquals(300, long_.length());
        assertTrue(long_.endsWith("…"));
        assertEquals("no answer within the call's time limit", ProviderGuard.describeOutage(
                new org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException()));
    }

    @Test
    void retryMatchesExactlyTheRetryableErrorClasses() {
        Set<ErrorClass> retried = EnumSet.noneOf(ErrorClass.class);
        for (ErrorClass c : ErrorClass.values()) {
            if (ProviderGuard.shouldRetry(error(c), CAP)) {
                retried.add(c);
            }
        }
        assertEquals(EnumSet.of(ErrorClass.RATE_LIMITED, ErrorClass.TRANSIENT), retried);
        for (ErrorClass c : ErrorClass.values()) {
            assertEquals(c.retryable(), retried.contains(c), c.name());
        }
    }

    @Test
    void theBreakerCountsTheSameOutagesAndNeverAnAnswer() {
        Set<ErrorClass> counted = EnumSet.noneOf(ErrorClass.class);
        for (ErrorClass c : ErrorClass.values()) {
            if (ProviderGuard.isOutage(error(c))) {
                counted.add(c);
            }
        }
        assertEquals(EnumSet.of(ErrorClass.RATE_LIMITED, ErrorClass.TRANSIENT), counted);
        assertTrue(ProviderGuard.isOutage(new TimeoutException("slow")));
        assertFalse(ProviderGuard.isOutage(new BulkheadException("full")));
        assertFalse(ProviderGuard.isOutage(new CircuitBreakerOpenException("open")));
        assertFalse(ProviderGuard.isOutage(new IllegalStateException("a bug, not an outage")));
    }

    @Test
    void timeoutsAreRetriedButTheGuardsOwnRefusalsAndUnclassifiedErrorsAreNot() {
        assertTrue(ProviderGuard.shouldRetry(new TimeoutException("slow"), CAP));
        assertFalse(ProviderGuard.shouldRetry(new CircuitBreakerOpenException("open"), CAP));
        assertFalse(ProviderGuard.shouldRetry(new BulkheadException("full"), CAP));
        assertFalse(ProviderGuard.shouldRetry(new IllegalStateException("bug"), CAP));
    }

    @Test
    void aCreateThatMayHaveHappenedIsNotRetriedButStillCountsAsAnOutage() {
        ProviderException unknown = ProviderException.outcomeUnknown(error(ErrorClass.TRANSIENT));
        assertTrue(unknown.outcomeUnknown());
        assertEquals(ErrorClass.TRANSIENT, unknown.errorClass());
        assertEquals("message", unknown.getMessage());
        assertFalse(ProviderGuard.shouldRetry(unknown, CAP));
        assertTrue(ProviderGuard.isOutage(unknown));
    }

    @Test
    void aRetryAfterHintIsHonouredUpToTheCapAndALongerOneIsNotWaitedFor() {
        ProviderException soon = new RestErrors.RateLimited(Provider.VULTR, "rate_limited", "429", Duration.ofSeconds(2));
        ProviderException late = new RestErrors.RateLimited(Provider.VULTR, "rate_limited", "429", Duration.ofMinutes(5));
        assertTrue(ProviderGuard.shouldRetry(soon, CAP));
        assertFalse(ProviderGuard.shouldRetry(late, CAP));

        ProviderGuard.Backoff b = new ProviderGuard.Backoff(CAP, 0.5);
        b.init(100);
        assertEquals(2000, b.nextDelayInMillis(soon), "the hint beats a 50-100 ms backoff");
    }

    @Test
    void backoffDoublesFromTheBaseUpToTheCapWithJitterBelowEachStep() {
        for (int run = 0; run < 200; run++) {
            ProviderGuard.Backoff b = new ProviderGuard.Backoff(CAP, 0.5);
            b.init(1000);
            long[] max = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
            for (long m : max) {
                long d = b.nextDelayInMillis(error(ErrorClass.TRANSIENT));
                assertTrue(d <= m && d >= m / 2, "delay " + d + " outside [" + m / 2 + ", " + m + "]");
            }
        }
        ProviderGuard.Backoff exact = new ProviderGuard.Backoff(CAP, 0);
        exact.init(1000);
        assertEquals(1000, exact.nextDelayInMillis(error(ErrorClass.TRANSIENT)));
        assertEquals(2000, exact.nextDelayInMillis(error(ErrorClass.TRANSIENT)));
        assertEquals(4000, exact.nextDelayInMillis(error(ErrorClass.TRANSIENT)));
    }
}

package io.cloudprovisioner.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudprovisioner.domain.Provider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The guard's meters: retries by provider and error class, breaker transitions by state. In the application (the
 * SmallRye guards need its fault-tolerance implementation), on a guard of its own with a registry of its own.
 */
@QuarkusTest
class ProviderMetricsTest {
    static FaultToleranceSettings settings() {
        return new FaultToleranceSettings() {
            public int maxRetries() { return 2; }
            public Duration retryDelay() { return Duration.ofMillis(1); }
            public Duration retryMaxDelay() { return Duration.ofMillis(5); }
            public double retryJitter() { return 0; }
            public Duration retryMaxDuration() { return Duration.ofSeconds(30); }
            public Duration callTimeout() { return Duration.ofSeconds(10); }
            public Duration provisionTimeout() { return Duration.ofSeconds(10); }
            public Duration terminateTimeout() { return Duration.ofSeconds(10); }
            public int breakerRequestVolume() { return 4; }
            public double breakerFailureRatio() { return 1.0; }
            public Duration breakerDelay() { return Duration.ofHours(1); }
            public int breakerSuccessThreshold() { return 1; }
            public int bulkhead() { return 4; }
        };
    }

    @Test
    void retriesAndBreakerTransitionsAreCountedByBoundedTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProviderGuard guard = new ProviderGuard(Provider.VULTR, settings(), new ProviderMetrics(registry));
        AtomicInteger tries = new AtomicInteger();
        // two TRANSIENT failures, then an answer: two retries
        assertEquals("ok", guard.call(ProviderGuard.Call.READ, () -> {
            if (tries.incrementAndGet() <= 2) {
                throw new ProviderException(Provider.VULTR, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "http_503",
                        "down");
            }
            return "ok";
        }));
        assertEquals(2.0, registry.get("cloudprovisioner.provider.retries").tag("provider", "vultr")
                .tag("error_class", "transient").counter().count());

        // a CAPACITY answer is not retried (and not an outage)
        assertThrows(ProviderException.class, () -> guard.call(ProviderGuard.Call.READ, () -> {
            throw new ProviderException(Provider.VULTR, ErrorClass.CAPACITY, ErrorScope.REGION, "c", "full");
        }));
        assertEquals(1, registry.find("cloudprovisioner.provider.retries").counters().size());

        // outages until the breaker opens: one transition into open
        for (int i = 0; i < 3 && guard.breakerState() != CircuitBreakerState.OPEN; i++) {
            assertThrows(ProviderException.class, () -> guard.call(ProviderGuard.Call.READ, () -> {
                throw new ProviderException(Provider.VULTR, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "x", "down");
            }));
        }
        assertEquals(CircuitBreakerState.OPEN, guard.breakerState());
        assertEquals(1.0, registry.get("cloudprovisioner.circuit.breaker.transitions").tag("provider", "vultr")
                .tag("state", "open").counter().count());
    }
}

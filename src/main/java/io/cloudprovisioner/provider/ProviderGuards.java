package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ProviderGuard} per provider, shared by everything that calls that provider (so there is exactly one
 * circuit breaker and one bulkhead per provider, however many adapter instances exist). The guards count their
 * retries and breaker transitions ({@link ProviderMetrics}).
 */
@Singleton
public class ProviderGuards {
    private final Map<Provider, ProviderGuard> guards = new ConcurrentHashMap<>();
    private final ProviderMetrics metrics;

    @Inject
    public ProviderGuards(MeterRegistry registry) {
        this.metrics = new ProviderMetrics(registry);
    }

    /** The provider's guard, built from {@code settings} on first use. */
    public ProviderGuard of(Provider provider, FaultToleranceSettings settings) {
        return guards.computeIfAbsent(provider, p -> new ProviderGuard(p, settings, metrics));
    }

    /** The current state of the provider's circuit breaker (CLOSED while no call has built its guard). */
    public CircuitBreakerState state(Provider provider) {
        ProviderGuard g = guards.get(provider);
        return g == null ? CircuitBreakerState.CLOSED : g.breakerState();
    }
}

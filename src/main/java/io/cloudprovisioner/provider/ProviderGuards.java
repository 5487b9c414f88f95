package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ProviderGuard} per provider, shared by everything that calls that provider (so there is exactly one
 * circuit breaker and one bulkhead per provider, however many adapter instances exist).
 */
@Singleton
public class ProviderGuards {
    private final Map<Provider, ProviderGuard> guards = new ConcurrentHashMap<>();

    /** The provider's guard, built from {@code settings} on first use. */
    public ProviderGuard of(Provider provider, FaultToleranceSettings settings) {
        return guards.computeIfAbsent(provider, p -> new ProviderGuard(p, settings));
    }
}

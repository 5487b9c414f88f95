package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.util.Locale;

/**
 * The provider layer's meters, defined in one place (README "Metrics and logs"). Tags are bounded: the provider id,
 * an {@link ErrorClass} name (or TIMEOUT) and a breaker state; never an instance, request or principal.
 * <ul>
 * <li>{@code cloudprovisioner.provider.retries} (counter): retries by the provider's fault-tolerance guard, by
 * {@code provider} and {@code error_class} (what the failed try was).
 * <li>{@code cloudprovisioner.circuit.breaker.transitions} (counter): transitions of the provider's breaker into
 * {@code state} (closed, open, half_open).
 * </ul>
 * The breaker's current state is SmallRye Fault Tolerance's own meter, present once the provider's guard exists:
 * {@code ft.circuitbreaker.state.current{method="cloudprovisioner-<provider>", state=closed|open|halfOpen}} (1 for
 * the current state), beside its {@code ft.circuitbreaker.opened}, {@code ft.retry.retries} and
 * {@code ft.invocations} per guard (README "Metrics and logs").
 */
public class ProviderMetrics {
    /** No meters (guards built outside CDI, e.g. in unit tests). */
    static final ProviderMetrics NONE = new ProviderMetrics(null);

    private final MeterRegistry registry;

    ProviderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void retried(Provider provider, String errorClass) {
        if (registry != null) {
            Counter.builder("cloudprovisioner.provider.retries")
                    .description("Provider calls retried by the provider's fault-tolerance guard")
                    .tag("provider", provider.id()).tag("error_class", errorClass.toLowerCase(Locale.ROOT))
                    .register(registry).increment();
        }
    }

    void breakerChanged(Provider provider, CircuitBreakerState state) {
        if (registry != null) {
            Counter.builder("cloudprovisioner.circuit.breaker.transitions")
                    .description("Circuit breaker transitions into a state, per provider")
                    .tag("provider", provider.id()).tag("state", name(state)).register(registry).increment();
        }
    }

    static String name(CircuitBreakerState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}

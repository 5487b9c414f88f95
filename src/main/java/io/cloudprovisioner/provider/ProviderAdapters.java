package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The adapter beans, keyed by provider. A provider without an adapter bean is simply absent. */
@Singleton
public class ProviderAdapters {
    private final Map<Provider, ProviderAdapter> adapters = new EnumMap<>(Provider.class);

    @Inject
    public ProviderAdapters(Instance<ProviderAdapter> all) {
        for (ProviderAdapter a : all) {
            if (adapters.put(a.provider(), a) != null) {
                throw new IllegalStateException("two adapters for " + a.provider());
            }
        }
    }

    public Optional<ProviderAdapter> adapter(Provider provider) {
        return Optional.ofNullable(adapters.get(provider));
    }
}

package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The five providers, keyed by {@link Provider}. Credential detection is cached for a short time (it may read files)
 * and each provider is detected on its own: one provider's broken configuration never affects another's.
 */
@Singleton
public class ProviderRegistry {
    private final Map<Provider, ProviderDescriptor> descriptors = new EnumMap<>(Provider.class);
    private final Map<Provider, Cached> cache = new EnumMap<>(Provider.class);
    private final ConfigLookup config;
    private final Duration ttl;
    private final Clock clock;

    @Inject
    public ProviderRegistry(Instance<ProviderDescriptor> all, Config config,
            @ConfigProperty(name = "cloudprovisioner.credentials.cache-ttl", defaultValue = "60s") Duration ttl) {
        this(all, ConfigLookup.of(config), ttl, Clock.systemUTC());
    }

    public ProviderRegistry(Iterable<ProviderDescriptor> all, ConfigLookup config, Duration ttl, Clock clock) {
        for (ProviderDescriptor d : all) {
            if (descriptors.put(d.provider(), d) != null) {
                throw new IllegalStateException("two descriptors for " + d.provider());
            }
        }
        for (Provider p : Provider.values()) {
            if (!descriptors.containsKey(p)) {
                throw new IllegalStateException("no descriptor for " + p);
            }
        }
        this.config = config;
        this.ttl = ttl;
        this.clock = clock;
    }

    public ProviderDescriptor descriptor(Provider provider) {
        return descriptors.get(provider);
    }

    public synchronized CredentialStatus credentials(Provider provider) {
        Instant now = clock.instant();
        Cached c = cache.get(provider);
        if (c == null || now.isAfter(c.at.plus(ttl))) {
            CredentialStatus status;
            try {
                status = descriptors.get(provider).detectCredentials(config);
            } catch (RuntimeException e) {
                // A broken credential file or provider chain marks this provider only; the message names the
                // failure's type, never its text (which may quote a secret).
                status = CredentialStatus.missing("credential detection failed (" + e.getClass().getSimpleName()
                        + "); set " + String.join(", ", descriptors.get(provider).configurationEnvVars()));
            }
            c = new Cached(status, now);
            cache.put(provider, c);
        }
        return c.status;
    }

    public boolean configured(Provider provider) {
        return credentials(provider).configured();
    }

    private record Cached(CredentialStatus status, Instant at) {
    }
}

package io.cloudprovisioner.deployment;

import io.cloudprovisioner.deployment.ssh.ServiceKey;
import io.cloudprovisioner.provider.NetworkSettings;
import io.smallrye.config.SmallRyeConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's SSH key (configured, or generated once under the data directory) and the {@link NetworkSettings}
 * the adapters see: the configured settings, except that an empty {@code cloudprovisioner.network.ssh-public-key}
 * becomes the service key's public key, so the instances the service creates accept the key it deploys with.
 */
@Singleton
public class ServiceKeys {
    @Inject
    DeploymentSettings settings;

    @Inject
    @ConfigProperty(name = "cloudprovisioner.data-dir")
    String dataDir;

    private volatile ServiceKey key;

    /** The key, loaded or generated on first use. */
    public ServiceKey key() {
        ServiceKey k = key;
        if (k == null) {
            synchronized (this) {
                k = key;
                if (k == null) {
                    k = settings.sshPrivateKey().filter(s -> !s.isBlank())
                            .map(p -> ServiceKey.load(Path.of(p)))
                            .orElseGet(() -> ServiceKey.generatedIn(Path.of(dataDir).toAbsolutePath().normalize()
                                    .resolve("ssh")));
                    key = k;
                }
            }
        }
        return k;
    }

    /** The configured network settings with the SSH public key filled in from the service key when empty. */
    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    NetworkSettings networkSettings() {
        NetworkSettings configured = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(NetworkSettings.class);
        return new NetworkSettings() {
            @Override
            public List<Integer> ingressPorts() {
                return configured.ingressPorts();
            }

            @Override
            public List<String> ingressCidrs() {
                return configured.ingressCidrs();
            }

            @Override
            public Optional<String> sshPublicKey() {
                Optional<String> k = configured.sshPublicKey().filter(s -> !s.isBlank());
                if (k.isPresent() || !settings.installServiceKey()) {
                    return k;
                }
                return Optional.of(key().publicKey());
            }

            @Override
            public String sshUser() {
                return configured.sshUser();
            }
        };
    }
}

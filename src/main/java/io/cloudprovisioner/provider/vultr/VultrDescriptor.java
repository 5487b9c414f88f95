package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderDescriptor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/** Vultr with an API key. Vultr has no serverless container service. */
@Singleton
public class VultrDescriptor implements ProviderDescriptor {
    static final List<String> ENV = List.of("VULTR_API_KEY");

    @Override
    public Provider provider() {
        return Provider.VULTR;
    }

    @Override
    public List<String> configurationEnvVars() {
        return ENV;
    }

    @Override
    public CredentialStatus detectCredentials(ConfigLookup config) {
        return config.firstSet(ENV.toArray(String[]::new))
                .map(name -> CredentialStatus.found("environment: " + name))
                .orElseGet(() -> CredentialStatus.missing("set VULTR_API_KEY"));
    }

    @Override
    public Set<DeploymentType> deploymentTypes() {
        return Set.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES, DeploymentType.KUBERNETES);
    }

    @Override
    public boolean zones() {
        return false;
    }

    @Override
    public boolean spotCapacity() {
        return false;
    }

    @Override
    public boolean regionalInstanceIds() {
        return false;
    }
}

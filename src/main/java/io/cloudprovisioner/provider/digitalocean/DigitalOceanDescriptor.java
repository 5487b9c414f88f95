package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderDescriptor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/** DigitalOcean Droplets with a personal access token. */
@Singleton
public class DigitalOceanDescriptor implements ProviderDescriptor {
    static final List<String> ENV = List.of("DIGITALOCEAN_TOKEN", "DO_API_TOKEN", "DO_TOKEN");

    @Override
    public Provider provider() {
        return Provider.DIGITALOCEAN;
    }

    @Override
    public List<String> configurationEnvVars() {
        return ENV;
    }

    @Override
    public CredentialStatus detectCredentials(ConfigLookup config) {
        return config.firstSet(ENV.toArray(String[]::new))
                .map(name -> CredentialStatus.found("environment: " + name))
                .orElseGet(() -> CredentialStatus.missing("set DIGITALOCEAN_TOKEN (or DO_API_TOKEN / DO_TOKEN)"));
    }

    @Override
    public Set<DeploymentType> deploymentTypes() {
        return Set.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES, DeploymentType.KUBERNETES,
                DeploymentType.SERVERLESS);
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

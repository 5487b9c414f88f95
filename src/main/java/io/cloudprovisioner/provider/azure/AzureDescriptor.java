package io.cloudprovisioner.provider.azure;

import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderDescriptor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Azure Virtual Machines with a service principal: subscription, client id and secret, tenant. */
@Singleton
public class AzureDescriptor implements ProviderDescriptor {
    static final List<String> ENV = List.of("AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
            "AZURE_TENANT_ID");

    @Override
    public Provider provider() {
        return Provider.AZURE;
    }

    @Override
    public List<String> configurationEnvVars() {
        return ENV;
    }

    @Override
    public CredentialStatus detectCredentials(ConfigLookup config) {
        List<String> missing = ENV.stream().filter(n -> config.get(n).isEmpty()).collect(Collectors.toList());
        if (missing.isEmpty()) {
            return CredentialStatus.found("environment: service principal (AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, "
                    + "AZURE_TENANT_ID) in AZURE_SUBSCRIPTION_ID");
        }
        return CredentialStatus.missing("set " + String.join(", ", missing));
    }

    @Override
    public Set<DeploymentType> deploymentTypes() {
        return Set.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES, DeploymentType.KUBERNETES,
                DeploymentType.SERVERLESS);
    }

    @Override
    public boolean zones() {
        return true;
    }

    @Override
    public boolean spotCapacity() {
        return true;
    }

    @Override
    public boolean regionalInstanceIds() {
        return true;
    }
}

package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import java.util.List;
import java.util.Set;

/**
 * What the rest of the service needs to know about a provider without talking to it: how it is configured, and
 * the capabilities that shared code reads instead of testing provider names. One implementation per provider
 * folder.
 */
public interface ProviderDescriptor {
    Provider provider();

    /** The environment variables that configure this provider, in the order they are read. */
    List<String> configurationEnvVars();

    /** Looks for credentials. Never returns or logs a secret. */
    CredentialStatus detectCredentials(ConfigLookup config);

    /** Deployment types this provider can run workloads on. */
    Set<DeploymentType> deploymentTypes();

    /** Regions have availability zones. */
    boolean zones();

    /** Offers spot / preemptible capacity at all (prices may still be unknown in the catalog). */
    boolean spotCapacity();

    /** Instance ids are regional (the API finds an instance only in its own region): requests must name it. */
    boolean regionalInstanceIds();
}

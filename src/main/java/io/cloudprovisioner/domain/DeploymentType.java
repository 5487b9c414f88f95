package io.cloudprovisioner.domain;

/** How a workload is run. */
public enum DeploymentType {
    VM,
    MANAGED_KUBERNETES,
    KUBERNETES,
    SERVERLESS
}

package io.cloudprovisioner.deployment;

/** Life of a deployment record. */
public enum DeploymentState {
    /** Recorded; being started on the host (or waiting for health). */
    DEPLOYING,
    /** Started and healthy. */
    RUNNING,
    /** Did not start or not become healthy; whatever it started was removed. */
    FAILED,
    /** Removed by CleanupBlueprint. */
    REMOVED
}

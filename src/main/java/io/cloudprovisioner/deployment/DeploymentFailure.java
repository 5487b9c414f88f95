package io.cloudprovisioner.deployment;

/** A deployment step failed on the host, in a way the caller can act on; becomes FAILED_PRECONDITION. */
public final class DeploymentFailure extends RuntimeException {
    private final String reason;

    public DeploymentFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Machine-readable reason, e.g. "NO_CONTAINER_RUNTIME", "IMAGE_PULL_FAILED". */
    public String reason() {
        return reason;
    }
}

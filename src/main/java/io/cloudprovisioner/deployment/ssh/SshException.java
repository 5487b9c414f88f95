package io.cloudprovisioner.deployment.ssh;

/** SSH to a host failed; {@link #retryable()} when trying again later can succeed (the host is still booting). */
public class SshException extends RuntimeException {
    private final boolean retryable;

    public SshException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}

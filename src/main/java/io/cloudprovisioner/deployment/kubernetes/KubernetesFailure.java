package io.cloudprovisioner.deployment.kubernetes;

import java.util.Map;

/**
 * A Kubernetes target refused or could not do what was asked, in a way the caller can act on. {@link #retryable()}
 * failures (the API server unreachable) become UNAVAILABLE, the others FAILED_PRECONDITION.
 */
public final class KubernetesFailure extends RuntimeException {
    private final String reason;
    private final boolean retryable;
    private final Map<String, String> metadata;

    public KubernetesFailure(String reason, String message, boolean retryable, Map<String, String> metadata) {
        super(message);
        this.reason = reason;
        this.retryable = retryable;
        this.metadata = Map.copyOf(metadata);
    }

    public KubernetesFailure(String reason, String message) {
        this(reason, message, false, Map.of());
    }

    /** Machine-readable reason, e.g. "KUBERNETES_CONTEXT_UNKNOWN", "NOT_READY". */
    public String reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}

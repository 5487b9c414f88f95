package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import java.time.Duration;
import java.util.Optional;

/**
 * A classified provider error. The message must never contain a secret: adapters build it from the provider's
 * error code and message, which the clouds do not fill with credentials, and never from request headers.
 *
 * @see ErrorClass
 */
public class ProviderException extends RuntimeException {
    private final Provider provider;
    private final ErrorClass errorClass;
    private final ErrorScope scope;
    private final String providerCode;
    private final Duration retryAfter;
    private final boolean outcomeUnknown;
    private final boolean beforeAnyChange;

    public ProviderException(Provider provider, ErrorClass errorClass, ErrorScope scope, String providerCode,
            String message, Throwable cause) {
        this(provider, errorClass, scope, providerCode, message, cause, null, false);
    }

    /**
     * @param retryAfter how long the provider (or this service's own guard) asked to wait before the next call;
     *     null when it gave no hint
     * @param outcomeUnknown a call that is not idempotent failed without a definite answer: it may have taken effect,
     *     so it must not be repeated automatically (the client can repeat it with the same request id)
     */
    public ProviderException(Provider provider, ErrorClass errorClass, ErrorScope scope, String providerCode,
            String message, Throwable cause, Duration retryAfter, boolean outcomeUnknown) {
        this(provider, errorClass, scope, providerCode, message, cause, retryAfter, outcomeUnknown, false);
    }

    private ProviderException(Provider provider, ErrorClass errorClass, ErrorScope scope, String providerCode,
            String message, Throwable cause, Duration retryAfter, boolean outcomeUnknown, boolean beforeAnyChange) {
        super(message, cause);
        this.provider = provider;
        this.errorClass = errorClass;
        this.scope = scope;
        this.providerCode = providerCode == null ? "" : providerCode;
        this.retryAfter = retryAfter;
        this.outcomeUnknown = outcomeUnknown;
        this.beforeAnyChange = beforeAnyChange;
    }

    /**
     * An adapter's own refusal, made before it asked the cloud to create or change anything (an unsupported option,
     * a missing setting): nothing exists that the request's id would have to find again.
     */
    public static ProviderException refused(Provider provider, ErrorClass errorClass, ErrorScope scope,
            String providerCode, String message) {
        return new ProviderException(provider, errorClass, scope, providerCode, message, null, null, false, true);
    }

    /** The same classification, marked as the failure of a call that may have taken effect. */
    public static ProviderException outcomeUnknown(ProviderException e) {
        return e.outcomeUnknown ? e : new ProviderException(e.provider, e.errorClass, e.scope, e.providerCode,
                e.getMessage(), e, e.retryAfter, true, false);
    }

    public ProviderException(Provider provider, ErrorClass errorClass, ErrorScope scope, String providerCode,
            String message) {
        this(provider, errorClass, scope, providerCode, message, null);
    }

    public Provider provider() {
        return provider;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    public ErrorScope scope() {
        return scope;
    }

    /** The provider's own error code, e.g. "InsufficientInstanceCapacity"; empty when it gave none. */
    public String providerCode() {
        return providerCode;
    }

    public boolean retryable() {
        return errorClass.retryable();
    }

    /** The wait the provider asked for (retry-after, rate-limit reset) or this service's guard names; may be empty. */
    public Optional<Duration> retryAfterHint() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Whether a call that is not idempotent (a create without a server-side idempotency key) failed without a definite
     * answer. Such a failure keeps its class (usually TRANSIENT) but is not retried automatically.
     */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    /** Whether this is an adapter's refusal made before anything was created or changed ({@link #refused}). */
    public boolean beforeAnyChange() {
        return beforeAnyChange;
    }
}

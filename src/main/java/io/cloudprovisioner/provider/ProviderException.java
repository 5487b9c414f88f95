package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;

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

    public ProviderException(Provider provider, ErrorClass errorClass, ErrorScope scope, String providerCode,
            String message, Throwable cause) {
        super(message, cause);
        this.provider = provider;
        this.errorClass = errorClass;
        this.scope = scope;
        this.providerCode = providerCode == null ? "" : providerCode;
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
}

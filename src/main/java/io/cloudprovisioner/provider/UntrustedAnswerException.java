package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;

/**
 * A provider answered something this service refuses to act on: a listing that repeats a page cursor or names more
 * pages than its cap. Classified TRANSIENT with scope PROVIDER (the gRPC status is UNAVAILABLE: the provider is not
 * usable for this call right now), but not {@linkplain #retryable() retryable} here: the same question gets the same
 * answer, so neither the fault-tolerance retry repeats it nor does the circuit breaker count it as an outage. The
 * caller may ask again later.
 */
public final class UntrustedAnswerException extends ProviderException {
    /** {@link #providerCode()} of a listing that repeated a cursor. */
    public static final String REPEATED_CURSOR = "repeated_page_cursor";
    /** {@link #providerCode()} of a listing that exceeded its page cap. */
    public static final String PAGE_CAP = "page_cap_exceeded";

    public UntrustedAnswerException(Provider provider, String code, String message) {
        super(provider, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, code, message);
    }

    /** Never: the provider's answer is deterministic, repeating the call gets it again. */
    @Override
    public boolean retryable() {
        return false;
    }
}

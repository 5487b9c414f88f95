package io.cloudprovisioner.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An {@code x-api-key} header to check against the configured key hashes. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {
    private final String key;

    ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest"; // never the key
    }
}

package io.cloudprovisioner.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A call while no authentication is configured (the service then listens on loopback only). */
public final class LocalAuthenticationRequest extends BaseAuthenticationRequest {
    static final LocalAuthenticationRequest INSTANCE = new LocalAuthenticationRequest();

    private LocalAuthenticationRequest() {
    }
}

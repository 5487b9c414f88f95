package io.cloudprovisioner.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Local mode (no authentication configured, loopback only): every call is the default owner with the admin
 * role, so the service behaves as it did before authentication existed.
 */
@Singleton
public class LocalIdentityProvider implements IdentityProvider<LocalAuthenticationRequest> {
    @Inject
    SecuritySettings settings;

    @Override
    public Class<LocalAuthenticationRequest> getRequestType() {
        return LocalAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(LocalAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(settings.defaultOwner())).addRole(Roles.ADMIN)
                .addAttribute("mechanism", "local").build());
    }
}

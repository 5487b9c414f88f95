package io.cloudprovisioner.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Checks an {@code x-api-key} against the configured hashes: the key's principal and roles, or a refusal. */
@Singleton
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {
    @Inject
    ApiKeys keys;

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return Uni.createFrom().item(() -> keys.verify(request.key())).onItem().transform(found -> {
            if (found.isEmpty()) {
                throw new AuthenticationFailedException("x-api-key is not a known API key");
            }
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(found.get().principal()))
                    .addRoles(found.get().roles()).addAttribute("mechanism", "api-key").build();
        });
    }
}

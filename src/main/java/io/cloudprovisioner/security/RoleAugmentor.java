package io.cloudprovisioner.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Adds the roles each role includes (admin: operator and viewer; operator: viewer), whatever the mechanism, and
 * refuses principals whose name is too long to own a record.
 */
@Singleton
public class RoleAugmentor implements SecurityIdentityAugmentor {
    /** The longest principal name a ledger record can hold. */
    static final int MAX_PRINCIPAL = 512;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        if (identity.getPrincipal().getName().length() > MAX_PRINCIPAL) {
            // the ledger stores the owner's name (V2__owner.sql): a longer one could own nothing
            return Uni.createFrom().failure(new io.quarkus.security.AuthenticationFailedException(
                    "the principal's name is longer than " + MAX_PRINCIPAL + " characters"));
        }
        Set<String> all = Roles.withImplied(identity.getRoles());
        if (all.equals(identity.getRoles())) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRoles(all).build());
    }
}

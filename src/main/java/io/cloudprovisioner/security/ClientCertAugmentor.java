package io.cloudprovisioner.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.CertificateCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * mTLS: Quarkus's mTLS mechanism makes an identity of a client certificate that the TLS handshake verified against
 * the configured CA (principal: the whole subject DN, no role). This turns it into the principal named by the
 * subject's CN with the roles {@link ClientCerts} lists for it; a certificate whose CN is not listed, or any
 * certificate while mTLS is not configured, is refused (UNAUTHENTICATED). Runs before {@link RoleAugmentor}, which
 * then adds the implied roles.
 */
@Singleton
public class ClientCertAugmentor implements SecurityIdentityAugmentor {
    @Inject
    SecuritySettings settings;
    @Inject
    ClientCerts certs;

    @Override
    public int priority() {
        return 100; // RoleAugmentor: 0 (higher runs first)
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        CertificateCredential cert = identity.isAnonymous() ? null : identity.getCredential(CertificateCredential.class);
        if (cert == null || cert.getCertificate() == null) {
            return Uni.createFrom().item(identity);
        }
        if (!settings.mtlsConfigured()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("client certificates are not "
                    + "accepted (cloudprovisioner.security.client-certs-file is not set)"));
        }
        var found = certs.lookup(cert.getCertificate().getSubjectX500Principal());
        if (found.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "the client certificate's subject is not listed"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(found.get().commonName())).addRoles(found.get().roles())
                .addCredential(cert).addAttribute("mechanism", "mtls").build());
    }
}

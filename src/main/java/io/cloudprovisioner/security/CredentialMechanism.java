package io.cloudprovisioner.security;

import io.grpc.Metadata;
import io.quarkus.grpc.auth.GrpcSecurityMechanism;
import io.quarkus.security.identity.request.AuthenticationRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The gRPC-level mechanism: an {@code x-api-key} header when API keys are configured; every call when no
 * authentication is configured at all (local mode: the call is the local administrator). Otherwise it steps
 * aside and the HTTP mechanisms of the unified server apply (smallrye-jwt's {@code authorization: Bearer}, and the
 * client certificate of an mTLS connection: {@link ClientCertAugmentor}).
 */
@Singleton
public class CredentialMechanism implements GrpcSecurityMechanism {
    public static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    SecuritySettings settings;

    @Override
    public boolean handles(Metadata headers) {
        return !settings.authenticationConfigured() || (settings.apiKeysConfigured() && headers.containsKey(API_KEY));
    }

    @Override
    public AuthenticationRequest createAuthenticationRequest(Metadata headers) {
        if (!settings.authenticationConfigured()) {
            return LocalAuthenticationRequest.INSTANCE;
        }
        return new ApiKeyAuthenticationRequest(headers.get(API_KEY));
    }
}

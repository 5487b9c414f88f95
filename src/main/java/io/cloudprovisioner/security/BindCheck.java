package io.cloudprovisioner.security;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Secure defaults: without authentication the service is the local administrator's, so it may listen on a
 * loopback address only. Binding any other address (quarkus.http.host, CLOUDPROVISIONER_GRPC_HOST) without
 * authentication stops the start, saying what to configure, unless cloudprovisioner.security.insecure=true, which
 * logs a WARN at every start. Also loads the API-key and client-certificate files, so that a bad file stops the
 * start too.
 *
 * <p>TLS: a server certificate alone authenticates nobody and does not let the service bind a non-loopback address;
 * client certificates (mTLS) do, and need TLS with a CA to verify them (else the start stops). Credentials on a
 * non-loopback address without TLS log a WARN (they travel in clear unless a proxy or mesh terminates TLS).
 */
@Singleton
public class BindCheck {
    private static final Logger LOG = Logger.getLogger(BindCheck.class);

    @Inject
    SecuritySettings settings;
    @Inject
    ApiKeys keys;
    @Inject
    ClientCerts certs;
    @Inject
    TlsConfigurationRegistry tls;
    @Inject
    @ConfigProperty(name = "quarkus.http.tls-configuration-name")
    Optional<String> tlsName;
    @Inject
    @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1")
    String host;

    void onStart(@Observes @Priority(1) StartupEvent e) {
        check(settings, host);
        keys.verify(""); // reads the file now (a malformed one stops the start)
        certs.size(); // the same for the client-certificate file
        // the HTTP server's TLS configuration: the named one, else the default (quarkus.tls.key-store...)
        Optional<TlsConfiguration> server = tlsName.isPresent() ? TlsConfiguration.from(tls, tlsName)
                : tls.getDefault();
        boolean tlsOn = server.map(t -> t.getKeyStoreOptions() != null || t.getKeyStore() != null).orElse(false);
        boolean caSet = server.map(t -> t.getTrustStoreOptions() != null || t.getTrustStore() != null).orElse(false);
        checkTls(settings, tlsOn, caSet);
        if (settings.authenticationConfigured()) {
            LOG.infof("security: accepting %s", settings.acceptedCredentials());
            if (!tlsOn && !SecuritySettings.loopback(host)) {
                LOG.warnf("security: listening on %s without TLS: credentials travel in clear unless a proxy or "
                        + "mesh in front terminates TLS (README \"TLS\": quarkus.tls.key-store.pem.0.cert / .key)",
                        host);
            }
        }
        if (tlsOn) {
            LOG.infof("security: TLS on (%s)%s", caSet ? "client certificates verified against the configured CA"
                    : "no client CA", settings.mtlsConfigured() ? ", client certificates authenticate" : "");
        }
    }

    /** Throws when client certificates are to authenticate but TLS or its CA (trust store) is missing. */
    static void checkTls(SecuritySettings settings, boolean tlsOn, boolean caSet) {
        if (settings.mtlsConfigured() && (!tlsOn || !caSet)) {
            String message = "cloudprovisioner.security.client-certs-file is set, but " + (!tlsOn
                    ? "TLS is off: configure the server certificate (quarkus.tls.key-store.pem.0.cert / .key)"
                    : "no CA verifies client certificates: configure quarkus.tls.trust-store.pem.certs")
                    + " (README \"TLS and client certificates\")";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
    }

    /** Throws when {@code host} is not loopback and nothing authenticates (and insecure is not set). */
    static void check(SecuritySettings settings, String host) {
        if (settings.insecure()) {
            LOG.warnf("security: cloudprovisioner.security.insecure=true: %s", settings.authenticationConfigured()
                    ? "set, though authentication is configured" : "the service listens on " + host
                            + " WITHOUT authentication: anyone who reaches it can provision, read and terminate "
                            + "instances");
            return;
        }
        if (!settings.authenticationConfigured() && !SecuritySettings.loopback(host)) {
            String message = "refusing to listen on " + host + " without authentication: configure API keys "
                    + "(cloudprovisioner.security.api-keys-file) and/or JWT verification (mp.jwt.verify.publickey"
                    + ".location, mp.jwt.verify.issuer) and/or client certificates (cloudprovisioner.security"
                    + ".client-certs-file with TLS and quarkus.tls.trust-store.pem.certs; TLS alone authenticates "
                    + "nobody), or bind a loopback address (quarkus.http.host / "
                    + "CLOUDPROVISIONER_GRPC_HOST=127.0.0.1), or set cloudprovisioner.security.insecure=true to run "
                    + "unauthenticated anyway";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
    }
}

package io.cloudprovisioner.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Secure defaults: without authentication the service is the local administrator's, so it may listen on a
 * loopback address only. Binding any other address (quarkus.http.host, CLOUDPROVISIONER_GRPC_HOST) without
 * authentication stops the start, saying what to configure, unless cloudprovisioner.security.insecure=true, which
 * logs a WARN at every start. Also loads the API-key file, so that a bad file stops the start too.
 */
@Singleton
public class BindCheck {
    private static final Logger LOG = Logger.getLogger(BindCheck.class);

    @Inject
    SecuritySettings settings;
    @Inject
    ApiKeys keys;
    @Inject
    @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1")
    String host;

    void onStart(@Observes @Priority(1) StartupEvent e) {
        check(settings, host);
        keys.verify(""); // reads the file now (a malformed one stops the start)
        if (settings.authenticationConfigured()) {
            LOG.infof("security: accepting %s", settings.acceptedCredentials());
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
                    + ".location, mp.jwt.verify.issuer), or bind a loopback address (quarkus.http.host / "
                    + "CLOUDPROVISIONER_GRPC_HOST=127.0.0.1), or set cloudprovisioner.security.insecure=true to run "
                    + "unauthenticated anyway";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
    }
}

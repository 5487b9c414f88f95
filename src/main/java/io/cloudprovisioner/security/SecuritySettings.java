package io.cloudprovisioner.security;

import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Which authentication is configured: API keys ({@code cloudprovisioner.security.api-keys-file}), JWT bearer tokens
 * (a verification key: {@code mp.jwt.verify.publickey} or {@code mp.jwt.verify.publickey.location}, which may be a
 * JWKS URL, and the issuer {@code mp.jwt.verify.issuer}) and / or client certificates (mTLS:
 * {@code cloudprovisioner.security.client-certs-file}, with the CA in the TLS registry's trust store). With none,
 * every caller is the local administrator and the service may bind only a loopback address (unless
 * {@code cloudprovisioner.security.insecure=true}). TLS alone (a server certificate) encrypts but authenticates
 * nobody, so it does not count.
 */
@Singleton
public class SecuritySettings {
    /** The principal that owns records made without authentication (and records older than ownership). */
    public static final String DEFAULT_OWNER_KEY = "cloudprovisioner.security.default-owner";

    private final Optional<String> apiKeysFile;
    private final Optional<String> clientCertsFile;
    private final boolean jwt;
    private final boolean insecure;
    private final String defaultOwner;

    public SecuritySettings() {
        Config c = ConfigProvider.getConfig();
        apiKeysFile = c.getOptionalValue("cloudprovisioner.security.api-keys-file", String.class)
                .filter(s -> !s.isBlank());
        clientCertsFile = c.getOptionalValue("cloudprovisioner.security.client-certs-file", String.class)
                .filter(s -> !s.isBlank());
        jwt = jwtIn(c);
        insecure = c.getOptionalValue("cloudprovisioner.security.insecure", Boolean.class).orElse(false);
        defaultOwner = c.getOptionalValue(DEFAULT_OWNER_KEY, String.class).filter(s -> !s.isBlank())
                .orElse("anonymous");
    }

    /** The issuer smallrye-jwt's dev services put beside the in-memory key pair they make in dev and test mode. */
    static final String DEV_SERVICES_ISSUER = "https://quarkus.io/issuer";

    /**
     * JWT verification is on when a verification key and the issuer are both set. The in-memory key pair (and its
     * issuer) that smallrye-jwt's dev services make in dev and test mode do not count: they are nobody's
     * configuration.
     */
    private static boolean jwtIn(Config c) {
        boolean key = set(c, "mp.jwt.verify.publickey") || set(c, "mp.jwt.verify.publickey.location");
        String issuer = c.getOptionalValue("mp.jwt.verify.issuer", String.class).orElse("").strip();
        return key && !issuer.isEmpty() && !issuer.equals(DEV_SERVICES_ISSUER);
    }

    private static boolean set(Config c, String key) {
        return c.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    public Optional<String> apiKeysFile() {
        return apiKeysFile;
    }

    public Optional<String> clientCertsFile() {
        return clientCertsFile;
    }

    /** Whether client certificates (mTLS) authenticate callers: a file of accepted subjects is configured. */
    public boolean mtlsConfigured() {
        return clientCertsFile.isPresent();
    }

    public boolean jwtConfigured() {
        return jwt;
    }

    public boolean apiKeysConfigured() {
        return apiKeysFile.isPresent();
    }

    /** Whether any authentication mechanism is configured (else: local mode, everyone is the administrator). */
    public boolean authenticationConfigured() {
        return jwt || apiKeysFile.isPresent() || clientCertsFile.isPresent();
    }

    public boolean insecure() {
        return insecure;
    }

    public String defaultOwner() {
        return defaultOwner;
    }

    /** The accepted credentials, as a client would send them. */
    public String acceptedCredentials() {
        List<String> out = new ArrayList<>();
        if (jwt) {
            out.add("'authorization: Bearer <JWT>'");
        }
        if (apiKeysFile.isPresent()) {
            out.add("'x-api-key: <key>'");
        }
        if (clientCertsFile.isPresent()) {
            out.add("a client certificate (mTLS)");
        }
        return String.join(" or ", out);
    }

    /** Whether {@code host} (a bind address) is loopback only: localhost, 127.0.0.0/8, ::1. */
    public static boolean loopback(String host) {
        String h = host.trim();
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false; // a host name other than localhost: it may resolve to anything
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

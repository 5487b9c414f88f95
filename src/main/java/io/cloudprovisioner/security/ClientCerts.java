package io.cloudprovisioner.security;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The client certificates accepted for mTLS, from {@code cloudprovisioner.security.client-certs-file}: one subject a
 * line, {@code <common name> <roles, comma-separated>}, '#' starts a comment. A certificate authenticates when the
 * TLS handshake verified it against the configured CA (the TLS registry's trust store) and its subject's CN is
 * listed; the CN is then the caller's principal (the same names as API-key principals: one person may have both).
 * The file is read once at start; a malformed line stops the start naming the line.
 */
@Singleton
public class ClientCerts {
    /** One accepted subject: its common name and roles. */
    public record Entry(String commonName, Set<String> roles) {
    }

    @Inject
    SecuritySettings settings;

    private volatile Map<String, Entry> entries = Map.of();

    @PostConstruct
    void load() {
        if (settings.clientCertsFile().isPresent()) {
            entries = read(Path.of(settings.clientCertsFile().get()));
        }
    }

    static Map<String, Entry> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cloudprovisioner.security.client-certs-file: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = file + " line " + (i + 1);
            if (f.length != 2) {
                throw new IllegalStateException(where + ": expected '<common name> <roles>'");
            }
            if (!ApiKeys.PRINCIPAL.matcher(f[0]).matches()) {
                throw new IllegalStateException(where + ": the common name must be 1 to 128 letters, digits or "
                        + "'._@:/-'");
            }
            Set<String> roles = ApiKeys.roles(f[1], where);
            if (out.putIfAbsent(f[0], new Entry(f[0], Set.copyOf(roles))) != null) {
                throw new IllegalStateException(where + ": " + f[0] + " is listed twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("cloudprovisioner.security.client-certs-file: " + file
                    + " names no subject");
        }
        return Map.copyOf(out);
    }

    /** The entry of a verified certificate's subject, by its common name (the most specific CN if several). */
    public Optional<Entry> lookup(X500Principal subject) {
        return commonName(subject).map(entries::get);
    }

    /** The subject's common name: the last CN attribute of the distinguished name (the most specific one). */
    static Optional<String> commonName(X500Principal subject) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                // getRdns() lists the RDNs from the least specific (right-most in RFC 2253) to the most specific
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return Optional.ofNullable(cn);
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    public int size() {
        return entries.size();
    }
}

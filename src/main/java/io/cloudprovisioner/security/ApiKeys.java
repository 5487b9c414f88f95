package io.cloudprovisioner.security;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The people's API keys, from {@code cloudprovisioner.security.api-keys-file}: one key a line,
 * {@code <principal> <roles, comma-separated> <hash>} (hash from {@link ApiKeyHash}), '#' starts a comment. The
 * file is read once at start; a malformed line stops the start naming the line (never its hash). Keys themselves
 * are never stored, logged or compared other than through their salted hash.
 */
@Singleton
public class ApiKeys {
    static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9._@:/-]{1,128}");
    static final Set<String> KNOWN_ROLES = Set.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN);

    /** One configured key: who it names, with which roles, and its hash. */
    public record Entry(String principal, Set<String> roles, String hash) {
        @Override
        public String toString() {
            return "Entry[" + principal + " " + roles + "]"; // never the hash
        }
    }

    @Inject
    SecuritySettings settings;

    private volatile List<Entry> entries = List.of();

    @PostConstruct
    void load() {
        if (settings.apiKeysFile().isPresent()) {
            entries = read(Path.of(settings.apiKeysFile().get()));
        }
    }

    static List<Entry> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cloudprovisioner.security.api-keys-file: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = file + " line " + (i + 1);
            if (f.length != 3) {
                throw new IllegalStateException(where + ": expected '<principal> <roles> <hash>'");
            }
            if (!PRINCIPAL.matcher(f[0]).matches()) {
                throw new IllegalStateException(where + ": the principal must be 1 to 128 letters, digits or "
                        + "'._@:/-'");
            }
            Set<String> roles = roles(f[1], where);
            if (!ApiKeyHash.wellFormed(f[2])) {
                throw new IllegalStateException(where + ": the hash must be 'sha256:<salt hex>:<hash hex>' "
                        + "(see README, Security)");
            }
            out.add(new Entry(f[0], Set.copyOf(roles), f[2]));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("cloudprovisioner.security.api-keys-file: " + file + " names no key");
        }
        return List.copyOf(out);
    }

    /** A comma-separated role list of a principals file (API keys, client certificates), lower-cased and checked. */
    static Set<String> roles(String field, String where) {
        Set<String> roles = new LinkedHashSet<>();
        for (String r : field.split(",")) {
            String role = r.strip().toLowerCase(Locale.ROOT);
            if (!KNOWN_ROLES.contains(role)) {
                throw new IllegalStateException(where + ": unknown role '" + r + "' (viewer, operator, admin)");
            }
            roles.add(role);
        }
        return roles;
    }

    /** The entry whose hash {@code key} matches (every entry is checked, so the time does not tell which). */
    public Optional<Entry> verify(String key) {
        Entry found = null;
        for (Entry e : entries) {
            if (ApiKeyHash.matches(e.hash(), key) && found == null) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }
}

package io.cloudprovisioner.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API-key hashes (the documented shell recipe gives the same hash), the key file, roles, loopback addresses. */
class ApiKeysTest {
    @TempDir
    Path dir;

    @Test
    void theHashIsSha256OfSaltColonKeyAsTheReadmeSays() {
        // printf '%s' "00112233445566778899aabbccddeeff:cpk_example" | sha256sum
        String stored = "sha256:00112233445566778899aabbccddeeff:"
                + "2fa16ec6c140a3668bb075dd7b92bba5fb3525782fa08adfca0f25418261c1f8";
        assertEquals(stored, ApiKeyHash.hash("00112233445566778899aabbccddeeff", "cpk_example"));
        assertTrue(ApiKeyHash.matches(stored, "cpk_example"));
        assertFalse(ApiKeyHash.matches(stored, "cpk_examplf"));
        assertFalse(ApiKeyHash.matches("plain-text", "plain-text"), "only hashes are accepted");
    }

    @Test
    void newKeysAndSaltsDiffer() {
        String k = ApiKeyHash.newKey();
        assertTrue(k.matches("cpk_[A-Za-z0-9_-]{43}"), k);
        assertNotEquals(k, ApiKeyHash.newKey());
        String h1 = ApiKeyHash.hash(k);
        String h2 = ApiKeyHash.hash(k);
        assertNotEquals(h1, h2, "a new salt each time");
        assertTrue(ApiKeyHash.matches(h1, k) && ApiKeyHash.matches(h2, k));
    }

    @Test
    void theFileNamesPrincipalsAndRolesAndRefusesMalformedLines() throws Exception {
        String key = ApiKeyHash.newKey();
        Path f = dir.resolve("keys");
        Files.writeString(f, "# people\n\nalice operator,viewer " + ApiKeyHash.hash(key) + "\n");
        List<ApiKeys.Entry> entries = ApiKeys.read(f);
        assertEquals(1, entries.size());
        assertEquals("alice", entries.get(0).principal());
        assertEquals(Set.of("operator", "viewer"), entries.get(0).roles());
        assertFalse(entries.get(0).toString().contains("sha256"), "the hash is not printed");

        for (String bad : List.of("alice operator", "alice root " + ApiKeyHash.hash(key),
                "al ice viewer " + ApiKeyHash.hash(key), "alice viewer " + key, "# only a comment")) {
            Files.writeString(f, bad + "\n");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.read(f), bad);
            assertFalse(e.getMessage().contains(key), "the message never quotes a key: " + e.getMessage());
        }
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertEquals(Set.of("admin", "operator", "viewer"), Roles.withImplied(Set.of("admin")));
        assertEquals(Set.of("operator", "viewer"), Roles.withImplied(Set.of("operator")));
        assertEquals(Set.of("viewer"), Roles.withImplied(Set.of("viewer")));
        assertEquals(Set.of("guest"), Roles.withImplied(Set.of("guest")));
    }

    @Test
    void loopbackAddresses() {
        for (String h : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
            assertTrue(SecuritySettings.loopback(h), h);
        }
        for (String h : List.of("0.0.0.0", "::", "10.0.0.5", "192.168.1.1", "example.com", "")) {
            assertFalse(SecuritySettings.loopback(h), h);
        }
    }

    @Test
    void requestKeysAreScopedPerPrincipalAndFitACloudLabel() {
        Ownership o = new Ownership();
        o.settings = new SecuritySettings();
        assertEquals("abc-1", o.key("anonymous", "ABC-1"), "the default owner keeps the keys it had");
        String a = o.key("alice", "abc-1");
        String b = o.key("bob", "abc-1");
        assertNotEquals(a, b);
        assertEquals(a, o.key("alice", "ABC-1"), "ids stay case-insensitive");
        String longId = "x".repeat(64);
        assertTrue(o.key("alice", longId).length() <= 63);
        assertNotEquals(o.key("alice", longId), o.key("alice", "x".repeat(63) + "y"));
        for (String k : List.of(a, b, o.key("alice", longId))) {
            assertTrue(k.matches("[a-z0-9_-]{1,63}"), k);
        }
    }
}

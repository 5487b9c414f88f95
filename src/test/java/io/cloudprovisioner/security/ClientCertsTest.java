package io.cloudprovisioner.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client-certificate file (subjects and roles), the CN taken from a subject, and mTLS needing TLS and a CA. */
class ClientCertsTest {
    @TempDir
    Path dir;

    @Test
    void theFileListsCommonNamesWithRoles() throws Exception {
        Path f = Files.writeString(dir.resolve("c"), "# comment\n\nops-bot operator\nci.runner@example viewer,OPERATOR\n");
        Map<String, ClientCerts.Entry> e = ClientCerts.read(f);
        assertEquals(Set.of("operator"), e.get("ops-bot").roles());
        assertEquals(Set.of("viewer", "operator"), e.get("ci.runner@example").roles());
    }

    @Test
    void aMalformedFileStopsTheStartNamingTheLine() throws Exception {
        for (String[] c : new String[][] {{"ops-bot", "line 1: expected '<common name> <roles>'"},
                {"ops-bot superuser", "unknown role 'superuser'"}, {"ops\tbot viewer x", "expected"},
                {"o'brien viewer", "the common name must be"}, {"a viewer\na admin", "line 2: a is listed twice"},
                {"# nothing", "names no subject"}}) {
            Path f = Files.writeString(dir.resolve("bad"), c[0] + "\n");
            IllegalStateException ex = assertThrows(IllegalStateException.class, () -> ClientCerts.read(f), c[0]);
            assertTrue(ex.getMessage().contains(c[1]), ex.getMessage());
        }
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> ClientCerts.read(dir.resolve("missing")));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }

    @Test
    void theCommonNameIsTheMostSpecificCnOfTheSubject() {
        assertEquals(Optional.of("ops-bot"), ClientCerts.commonName(new X500Principal("CN=ops-bot,OU=ci,O=Test")));
        assertEquals(Optional.of("ops-bot"), ClientCerts.commonName(new X500Principal("O=Test,OU=ci,CN=ops-bot")));
        // RFC 2253 order: the first RDN is the most specific
        assertEquals(Optional.of("leaf"), ClientCerts.commonName(new X500Principal("CN=leaf,CN=group,O=Test")));
        assertEquals(Optional.empty(), ClientCerts.commonName(new X500Principal("O=Test,C=DE")));
    }
}

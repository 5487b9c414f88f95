package io.cloudprovisioner.deployment.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jcraft.jsch.JSch;
import io.cloudprovisioner.deployment.runtime.commands.EnvWrapper;
import io.cloudprovisioner.deployment.runtime.commands.FileCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH side of deployment against an in-JVM SSH server that runs real /bin/sh commands: host keys pinned on
 * first contact and a changed key refused; env files uploaded 0600 and gone after the start; hostile env values
 * arriving byte-for-byte in a process's environment through the wrapper (a stand-in command instead of podman).
 */
class SshClientTest {
    /** Pins in memory (the service keeps them in the ledger). */
    static final class MemoryPins implements HostKeyStore {
        final Map<String, String> pins = new ConcurrentHashMap<>();

        @Override
        public Optional<String> find(String host, int port) {
            return Optional.ofNullable(pins.get(host + ":" + port));
        }

        @Override
        public String pinIfAbsent(String host, int port, String key) {
            return pins.computeIfAbsent(host + ":" + port, k -> key);
        }
    }

    @TempDir
    Path tmp;
    MemoryPins pins;
    ServiceKey key;
    PublicKey clientPublic;
    InJvmSshServer server;
    SshClient client;

    @BeforeEach
    void start() throws Exception {
        // an ECDSA client key (MINA verifies it without extra providers); the generated ed25519 key is tested below
        com.jcraft.jsch.KeyPair kp = com.jcraft.jsch.KeyPair.genKeyPair(new JSch(), com.jcraft.jsch.KeyPair.ECDSA, 256);
        ByteArrayOutputStream prv = new ByteArrayOutputStream();
        kp.writeOpenSSHv1PrivateKey(prv, null, "test");
        Path file = tmp.resolve("client_key");
        Files.write(file, prv.toByteArray());
        key = ServiceKey.load(file);
        clientPublic = PublicKeyEntry.parsePublicKeyEntry(key.publicKey()).resolvePublicKey(null, Map.of(), null);
        pins = new MemoryPins();
        server = new InJvmSshServer(0, InJvmSshServer.ecKey(), clientPublic);
        client = new SshClient(key, pins, Duration.ofSeconds(5), Duration.ofMillis(100));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    SshTarget target() {
        return new SshTarget("127.0.0.1", server.port(), System.getProperty("user.name"));
    }

    @Test
    void theHostKeyIsPinnedOnFirstContactAndAChangedKeyIsRefused() throws Exception {
        int port = server.port();
        try (SshSession s = client.connect(target(), Instant.now().plusSeconds(10))) {
            assertEquals("ok", s.exec("printf ok", Duration.ofSeconds(10)).stdout());
        }
        String pinned = pins.find("127.0.0.1", port).orElseThrow();
        assertTrue(pinned.startsWith("ecdsa-sha2-nistp256 "), pinned);
        try (SshSession s = client.connect(target(), Instant.now().plusSeconds(10))) {
            assertEquals(0, s.exec("true", Duration.ofSeconds(10)).exitCode(), "the same key again: accepted");
        }
        server.close();
        server = new InJvmSshServer(port, InJvmSshServer.ecKey(), clientPublic); // same host:port, another key
        Instant before = Instant.now();
        HostKeyChangedException e = assertThrows(HostKeyChangedException.class,
                () -> client.connect(target(), Instant.now().plusSeconds(20)));
        assertTrue(Duration.between(before, Instant.now()).toSeconds() < 10, "refused at once, not retried");
        assertTrue(e.getMessage().contains("was recorded on first contact"), e.getMessage());
        assertTrue(e.getMessage().contains(HostKeyChangedException.fingerprint(pinned)), e.getMessage());
        assertEquals(pinned, pins.find("127.0.0.1", port).orElseThrow(), "the pin is not replaced");
    }

    @Test
    void connectingIsRetriedUntilTheDeadlineThenFailsRetryably() throws Exception {
        int port = server.port();
        server.close();
        Instant before = Instant.now();
        SshException e = assertThrows(SshException.class,
                () -> client.connect(new SshTarget("127.0.0.1", port, "x"), Instant.now().plusMillis(800)));
        Duration took = Duration.between(before, Instant.now());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("attempts"), e.getMessage());
        assertTrue(took.toMillis() >= 500 && took.toSeconds() < 5, "bounded by the deadline: " + took);
        // the host comes up while retrying: connected
        server = new InJvmSshServer(port, InJvmSshServer.ecKey(), clientPublic);
        try (SshSession s = client.connect(target(), Instant.now().plusSeconds(10))) {
            assertEquals(0, s.exec("true", Duration.ofSeconds(5)).exitCode());
        }
    }

    @Test
    void envFilesAre0600TheValuesArriveByteForByteAndTheFilesAreRemoved() throws Exception {
        String dir = tmp.resolve("deployments/cp-web-1").toString();
        List<String> values = List.of("$HOME `id` $(id) 'single' \"double\" a|b; c && d", "line1\nline2",
                "crlf\r\n", "ends with newlines\n\n", "ünïcødé ✓ 日本", "", "\\n\\t literal", "-e", "\r");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            names.add("VAR_" + i);
        }
        try (SshSession s = client.connect(target(), Instant.now().plusSeconds(10))) {
            assertTrue(s.exec(FileCommands.makePrivateDir(dir), Duration.ofSeconds(10)).ok());
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(Path.of(dir)));
            for (int i = 0; i < values.size(); i++) {
                s.upload(EnvWrapper.file(dir, i), values.get(i).getBytes(StandardCharsets.UTF_8), 0600);
                assertEquals(0600, s.mode(EnvWrapper.file(dir, i)));
                assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                        Files.getPosixFilePermissions(Path.of(EnvWrapper.file(dir, i))));
            }
            // the stand-in for podman: prints each variable's bytes in hex, one line each
            StringBuilder loop = new StringBuilder("for n in");
            names.forEach(n -> loop.append(' ').append(n));
            loop.append("; do eval \"printf %s \\\"\\$$n\\\"\" | od -An -tx1 -v | tr -d ' \\n'; echo; done");
            SshSession.Result r = s.exec(EnvWrapper.line(dir, names, List.of("/bin/sh", "-c", loop.toString())),
                    Duration.ofSeconds(10));
            assertEquals(0, r.exitCode(), r.stderr());
            String[] lines = r.stdout().split("\n", -1);
            for (int i = 0; i < values.size(); i++) {
                assertEquals(HexFormat.of().formatHex(values.get(i).getBytes(StandardCharsets.UTF_8)), lines[i],
                        "value " + i + " byte-for-byte");
            }
            assertEquals(-1, s.mode(dir), "the wrapper removed the directory before the command ran");
            assertFalse(Files.exists(Path.of(dir)));
            assertTrue(s.exec(FileCommands.removeDir(dir), Duration.ofSeconds(5)).ok(), "removing again is harmless");
        }
    }

    @Test
    void aMissingEnvFileStopsTheWrapperBeforeTheCommand() throws Exception {
        String dir = tmp.resolve("d2").toString();
        Path marker = tmp.resolve("ran");
        try (SshSession s = client.connect(target(), Instant.now().plusSeconds(10))) {
            s.exec(FileCommands.makePrivateDir(dir), Duration.ofSeconds(5));
            SshSession.Result r = s.exec(EnvWrapper.line(dir, List.of("A"), List.of("touch", marker.toString())),
                    Duration.ofSeconds(5));
            assertEquals(125, r.exitCode());
            assertFalse(Files.exists(marker));
        }
    }

    @Test
    void theGeneratedKeyIsEd25519Mode0600AndStable() throws Exception {
        Path dir = tmp.resolve("data/ssh");
        ServiceKey k = ServiceKey.generatedIn(dir);
        assertTrue(k.publicKey().startsWith("ssh-ed25519 AAAA"), k.publicKey());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve(ServiceKey.GENERATED_NAME)));
        assertEquals(k.publicKey(), ServiceKey.generatedIn(dir).publicKey(), "generated once, then loaded");
        assertEquals(k.publicKey() + "\n", Files.readString(dir.resolve(ServiceKey.GENERATED_NAME + ".pub")));
        assertFalse(k.toString().contains("PRIVATE"));
    }

}

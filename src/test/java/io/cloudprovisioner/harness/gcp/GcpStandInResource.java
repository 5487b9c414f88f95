package io.cloudprovisioner.harness.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * Starts {@link GcpStandIn} for a test class and points the GCP adapter at it: a throwaway service-account key
 * (fresh RSA key, token_uri on the stand-in) as GOOGLE_APPLICATION_CREDENTIALS, a project id, the endpoint, and
 * short timeouts, retries and poll intervals.
 */
public class GcpStandInResource implements QuarkusTestResourceLifecycleManager {
    public static final String PROJECT = "cp-test-project";
    public static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcpStandInTestKeyOnlyForTests test@cp";
    private static volatile GcpStandIn standIn;
    private static volatile String privateKeyBase64;
    private Path dir;

    /** The running stand-in of the current test class. */
    public static GcpStandIn standIn() {
        return standIn;
    }

    /** The base64 body of the fake service-account private key (a secret: must never leak). */
    public static String privateKeyBase64() {
        return privateKeyBase64;
    }

    @Override
    public Map<String, String> start() {
        standIn = new GcpStandIn(true);
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            privateKeyBase64 = Base64.getEncoder().encodeToString(gen.generateKeyPair().getPrivate().getEncoded());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(Base64.getDecoder()
                            .decode(privateKeyBase64))
                    + "\n-----END PRIVATE KEY-----\n";
            ObjectNode key = new ObjectMapper().createObjectNode().put("type", "service_account")
                    .put("project_id", PROJECT).put("private_key_id", "0123456789abcdef0123456789abcdef01234567")
                    .put("private_key", pem).put("client_email", "provisioner@" + PROJECT + ".iam.gserviceaccount.com")
                    .put("client_id", "100000000000000000001").put("token_uri", standIn.tokenUri());
            dir = Files.createTempDirectory("gcp-standin");
            Path file = dir.resolve("service-account.json");
            Files.writeString(file, key.toString());
            return Map.ofEntries(
                Map.entry("cloudprovisioner.data-dir", io.cloudprovisioner.harness.StandIn.freshLedgerDir()),
                    Map.entry("GOOGLE_APPLICATION_CREDENTIALS", file.toString()),
                    Map.entry("GCP_PROJECT_ID", PROJECT),
                    Map.entry("cloudprovisioner.gcp.endpoint", standIn.baseUrl()),
                    Map.entry("cloudprovisioner.gcp.connect-timeout", "1s"),
                    Map.entry("cloudprovisioner.gcp.read-timeout", "2s"),
                    Map.entry("cloudprovisioner.gcp.call-timeout", "8s"),
                    Map.entry("cloudprovisioner.gcp.initial-retry-delay", "20ms"),
                    Map.entry("cloudprovisioner.gcp.max-retry-delay", "100ms"),
                    Map.entry("cloudprovisioner.gcp.provision-timeout", "20s"),
                    Map.entry("cloudprovisioner.gcp.poll-interval", "50ms"),
                    Map.entry("cloudprovisioner.network.ssh-public-key", SSH_KEY),
                    Map.entry("cloudprovisioner.network.ingress-ports", "22,8080"),
                    Map.entry("cloudprovisioner.network.ingress-cidrs", "203.0.113.0/24"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (standIn != null) {
            standIn.close();
            standIn = null;
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // temp dir: best effort
            }
        }
    }
}

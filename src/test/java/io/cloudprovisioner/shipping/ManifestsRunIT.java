package io.cloudprovisioner.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.TestPki;
import io.cloudprovisioner.security.ApiKeyHash;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests' environment, as written, given to the packaged application: it starts, its probes answer on the
 * paths the manifests name, the sidecar listens on loopback only, and the standalone one (non-loopback, API keys)
 * starts with TLS from its PEM variables (a server certificate made here stands in for the Secret), answers its
 * HTTPS probes, refuses plaintext and a call without credential while health stays open. Prints the idle RSS the
 * resource requests are based on. Paths inside the image (data directory, HOME, the keys and PEM files) are mapped
 * to temporary directories.
 */
class ManifestsRunIT {
    @TempDir
    Path tmp;

    @Test
    void sidecarEnvironmentServesItsProbesOnLoopbackOnly() throws Exception {
        Container c = DeployManifests.serviceContainer(DeployManifests.podSpec(DeployManifests.SIDECAR));
        Map<String, String> env = imageToTemp(DeployManifests.env(c));
        try (AppProcess app = AppProcess.start("sidecar", Map.of(), env, tmp.resolve("logs"))) {
            for (String path : List.of("/q/health/started", "/q/health/live", "/q/health/ready")) {
                assertEquals(200, get(app.grpcPort(), path), path);
            }
            assertEquals(5, CatalogServiceGrpc.newBlockingStub(app.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listProviders(ListProvidersRequest.getDefaultInstance()).getProvidersCount(),
                    "five providers listed");
            Optional<InetAddress> other = nonLoopbackAddress();
            if (other.isPresent()) {
                assertThrows(IOException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other.get(), app.grpcPort()), 2000);
                    }
                }, "the sidecar must not listen on " + other.get());
            }
            System.out.println("FIGURE sidecar idle RSS after first answers: " + rssMib(app.pid()) + " MiB");
        }
    }

    @Test
    void standaloneEnvironmentStartsWithTlsAndAuthenticationAndKeepsHealthOpen() throws Exception {
        Container c = DeployManifests.serviceContainer(DeployManifests.podSpec(DeployManifests.SERVICE));
        Map<String, String> env = imageToTemp(DeployManifests.env(c));
        String key = ApiKeyHash.newKey();
        Path keys = Path.of(env.get("CLOUDPROVISIONER_API_KEYS_FILE"));
        Files.writeString(keys, "ops viewer " + ApiKeyHash.hash(key) + "\n");
        // the Secret cloud-provisioner-tls: a server certificate for 127.0.0.1 at the paths the manifest names
        Path crt = Path.of(env.get("QUARKUS_TLS_KEY_STORE_PEM__0__CERT"));
        assertEquals(crt.getParent(), Path.of(env.get("QUARKUS_TLS_KEY_STORE_PEM__0__KEY")).getParent());
        TestPki.Ca ca = TestPki.ca("manifest test CA");
        Path caFile = ca.writeCert(tmp.resolve("ca.crt"));
        TestPki.Issued server = ca.server("cloud-provisioner", tmp, "server");
        Files.move(server.certFile(), crt);
        Files.move(server.keyFile(), Path.of(env.get("QUARKUS_TLS_KEY_STORE_PEM__0__KEY")));
        Function<Integer, ManagedChannel> tls = port -> {
            try {
                return Grpc.newChannelBuilderForAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
                        .trustManager(caFile.toFile()).build()).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        try (AppProcess app = AppProcess.startTls("standalone", Map.of(), env, tmp.resolve("logs"), tls)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca.cert());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
                String url = p.getHttpGet().getScheme().toLowerCase(java.util.Locale.ROOT) + "://127.0.0.1:"
                        + app.grpcPort() + p.getHttpGet().getPath();
                assertEquals(200, https.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), url);
            }
            int plain;
            try {
                plain = get(app.grpcPort(), "/q/health/ready");
            } catch (IOException refused) {
                plain = -1;
            }
            assertNotEquals(200, plain, "plain HTTP is not served");
            var stub = CatalogServiceGrpc.newBlockingStub(app.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> stub.listProviders(ListProvidersRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            Metadata h = new Metadata();
            h.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
            assertTrue(stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                    .listProviders(ListProvidersRequest.getDefaultInstance()).getProvidersCount() > 0);
            String log = Files.readString(app.log());
            assertTrue(log.contains("Listening on: https://0.0.0.0:" + app.grpcPort()), log);
            assertFalse(log.contains("http://0.0.0.0:"), "no plaintext listener");
        }
    }

    /** The image's absolute paths (data directory, HOME, /etc/cloudprovisioner/...) under the test's directory. */
    private Map<String, String> imageToTemp(Map<String, String> env) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String v = e.getValue();
            if (v.startsWith("/var/lib/") || v.startsWith("/tmp") || v.startsWith("/etc/")) {
                Path p = tmp.resolve("root" + v);
                boolean file = e.getKey().matches(".*_(FILE|CERT|KEY|CERTS)");
                Files.createDirectories(file ? p.getParent() : p);
                v = p.toString();
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    private static int get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && !ni.isLoopback()) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static long rssMib(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}

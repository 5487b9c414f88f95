package io.cloudprovisioner.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.security.ApiKeyHash;
import io.fabric8.kubernetes.api.model.Container;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests' environment, as written, given to the packaged application: it starts, its probes answer on the
 * paths the manifests name, the sidecar listens on loopback only, and the standalone one (non-loopback, API keys)
 * starts and refuses a call without credential while health stays open. Prints the idle RSS the resource requests
 * are based on. Paths inside the image (data directory, HOME, the keys file) are mapped to temporary directories;
 * the standalone manifest's TLS variables are left out here (their PEM files come from a Secret).
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
    void standaloneEnvironmentStartsWithAuthenticationAndKeepsHealthOpen() throws Exception {
        Container c = DeployManifests.serviceContainer(DeployManifests.podSpec(DeployManifests.SERVICE));
        Map<String, String> env = new LinkedHashMap<>(DeployManifests.env(c));
        env.keySet().removeIf(k -> k.startsWith("QUARKUS_TLS_") || k.startsWith("QUARKUS_HTTP_SSL")
                || k.equals("QUARKUS_HTTP_INSECURE_REQUESTS"));
        env = imageToTemp(env);
        String key = ApiKeyHash.newKey();
        Path keys = Path.of(env.get("CLOUDPROVISIONER_API_KEYS_FILE"));
        Files.createDirectories(keys.getParent());
        Files.writeString(keys, "ops viewer " + ApiKeyHash.hash(key) + "\n");
        try (AppProcess app = AppProcess.start("standalone", Map.of(), env, tmp.resolve("logs"))) {
            assertEquals(200, get(app.grpcPort(), "/q/health/ready"));
            var stub = CatalogServiceGrpc.newBlockingStub(app.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> stub.listProviders(ListProvidersRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            Metadata h = new Metadata();
            h.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
            assertTrue(stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                    .listProviders(ListProvidersRequest.getDefaultInstance()).getProvidersCount() > 0);
        }
    }

    /** The image's absolute paths (data directory, HOME, /etc/cloudprovisioner/...) under the test's directory. */
    private Map<String, String> imageToTemp(Map<String, String> env) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String v = e.getValue();
            if (v.startsWith("/var/lib/") || v.startsWith("/tmp") || v.startsWith("/etc/")) {
                Path p = tmp.resolve("root" + v);
                Files.createDirectories(e.getKey().endsWith("_FILE") ? p.getParent() : p);
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

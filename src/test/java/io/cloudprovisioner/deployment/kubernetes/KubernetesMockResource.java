package io.cloudprovisioner.deployment.kubernetes;

import io.cloudprovisioner.security.ApiKeyHash;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * fabric8's Kubernetes mock API server in CRUD mode (plain HTTP on 127.0.0.1, a free port) and a kubeconfig file
 * pointing at it with two contexts ("mock-a" and "mock-b", the same server), handed to the service under test as
 * cloudprovisioner.kubernetes.kubeconfig; plus an API-key file with the principals alice and bob (operators) and root
 * (admin), so ownership is tested through the API. CRUD mode stores objects but runs no controller: nothing schedules
 * pods or writes a Deployment's status, so tests that need a ready Deployment write its status themselves.
 */
public class KubernetesMockResource implements QuarkusTestResourceLifecycleManager {
    public static final String CONTEXT = "mock-a";
    public static final String OTHER_CONTEXT = "mock-b";
    public static final String ALICE = ApiKeyHash.newKey();
    public static final String BOB = ApiKeyHash.newKey();
    public static final String ROOT = ApiKeyHash.newKey();
    private static volatile KubernetesMockServer server;
    private static volatile KubernetesClient client;
    private static volatile Path kubeconfig;

    /** A client of the mock server, for tests to look at (and set the status of) what the service made. */
    public static KubernetesClient client() {
        return client;
    }

    public static Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                    new KubernetesCrudDispatcher(), false);
            server.init(InetAddress.getByName("127.0.0.1"), 0);
            client = server.createClient();
            Path dir = Path.of("target", "kube-test", UUID.randomUUID().toString()).toAbsolutePath();
            Files.createDirectories(dir);
            kubeconfig = dir.resolve("config");
            Files.writeString(kubeconfig, kubeconfig("http://127.0.0.1:" + server.getPort()));
            Path keys = dir.resolve("api-keys");
            Files.writeString(keys, "alice operator " + ApiKeyHash.hash(ALICE) + "\nbob operator "
                    + ApiKeyHash.hash(BOB) + "\nroot admin " + ApiKeyHash.hash(ROOT) + "\n");
            Map<String, String> c = new HashMap<>();
            c.put("cloudprovisioner.kubernetes.kubeconfig", kubeconfig.toString());
            c.put("cloudprovisioner.kubernetes.ready-timeout", "4s");
            c.put("cloudprovisioner.kubernetes.request-timeout", "5s");
            c.put("cloudprovisioner.kubernetes.run-as-non-root", "true");
            c.put("cloudprovisioner.security.api-keys-file", keys.toString());
            // a ledger of its own: the data directory stays locked by the application started before this one
            c.put("cloudprovisioner.data-dir", io.cloudprovisioner.harness.StandIn.freshLedgerDir());
            return c;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String kubeconfig(String url) {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
                + "    server: " + url + "\nusers:\n- name: tester\n  user:\n    token: not-a-secret\ncontexts:\n");
        for (String ctx : new String[] {CONTEXT, OTHER_CONTEXT}) {
            b.append("- name: ").append(ctx).append("\n  context:\n    cluster: mock\n    user: tester\n");
        }
        return b.append("current-context: ").append(CONTEXT).append('\n').toString();
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}

package io.cloudprovisioner.deployment;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.Blueprint;
import io.cloudprovisioner.api.v1.BlueprintDeploymentResult;
import io.cloudprovisioner.api.v1.BlueprintPort;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CleanupBlueprintRequest;
import io.cloudprovisioner.api.v1.CleanupBlueprintResponse;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.DeployBlueprintRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintResponse;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetRequest;
import io.cloudprovisioner.api.v1.DeploymentTarget;
import io.cloudprovisioner.api.v1.DeploymentType;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintResponse;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.PortMapping;
import io.cloudprovisioner.api.v1.PortProtocol;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real deployment through the gRPC API: a DigitalOcean stand-in droplet that is this machine (127.0.0.1), reached
 * over SSH at the sshd of .ci/deploy-targets.sh, running the test image with rootful podman. Run by the deploy-it
 * profile only (it needs sshd, podman and the image).
 */
@QuarkusTest
@QuarkusTestResource(value = DeployItResource.class, restrictToAnnotatedClass = true)
public class BlueprintDeployIT {
    static final String IMAGE = DeployItResource.env("CP_DEPLOY_IT_IMAGE", "localhost/cp-test:1");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .proxy(HttpClient.Builder.NO_PROXY).build();
    /** Values with every kind of shell metacharacter, line ends and non-ASCII text. */
    static final Map<String, String> HOSTILE = new LinkedHashMap<>();

    static {
        HOSTILE.put("V_META", "$HOME `id` $(id) 'single' \"double\" a|b; c && d > e < f * ? ~ # !x {a,b} \\");
        HOSTILE.put("V_LINES", "line1\nline2\n\n");
        HOSTILE.put("V_CRLF", "crlf\r\nnext\r\n");
        HOSTILE.put("V_UNICODE", "ünïcødé ✓ 日本語");
        HOSTILE.put("V_DASH", "-e --rm");
        HOSTILE.put("V_EMPTY", "");
    }

    @Inject
    DeploymentStore store;
    @Inject
    io.cloudprovisioner.ledger.Ledger ledger;

    ManagedChannel channel;
    BlueprintServiceGrpc.BlueprintServiceBlockingStub api;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub provisioning;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        api = BlueprintServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
        provisioning = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        GrpcTestSupport.close(channel);
        // a failed assertion must not leave this test's containers behind (each carries its request id label)
        for (String line : podman("ps", "--all", "--filter", "label=managed-by=cloud-provisioner", "--format",
                "{{.Names}} {{index .Labels \"" + Deployer.LABEL_REQUEST_ID + "\"}}").substring(2).split("\n")) {
            String[] w = line.split(" ");
            if (w.length == 2 && w[1].startsWith("it-")) {
                podman("rm", "--force", "--time", "1", w[0]);
            }
        }
    }

    ProvisionedInstance droplet(String requestId) {
        ProvisionedInstance i = provisioning.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceType("s-1vcpu-1gb").setClientRequestId(requestId).build()).getInstance();
        assertEquals("127.0.0.1", i.getPublicIp());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        return i;
    }

    static Blueprint.Builder blueprint(String id, int port) {
        Blueprint.Builder b = Blueprint.newBuilder().setId(id).setImage(IMAGE).putAllEnv(HOSTILE)
                .putEnv("ECHO_VARS", String.join(" ", HOSTILE.keySet())).putEnv("PORT", Integer.toString(port))
                .addPorts(BlueprintPort.newBuilder().setContainerPort(port).setName("http"))
                .setHealthPath("/health")
                .setResources(ResourceSpec.newBuilder().setCpu(0.5).setMemoryGb(0.25));
        return b;
    }

    static DeploymentTarget target(ProvisionedInstance i) {
        return DeploymentTarget.newBuilder().setType(DeploymentType.DEPLOYMENT_TYPE_VM)
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId()).build();
    }

    static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String podman(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + ":" + out.strip();
    }

    @Test
    void deployReachRestartCheckAndCleanUpOnRealPodman() throws Exception {
        ProvisionedInstance i = droplet("it-deploy-1");
        DeployBlueprintResponse r = api.deployBlueprint(DeployBlueprintRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId())
                .setBlueprint(blueprint("web", 8080)).setClientRequestId("it-web-1").build());
        BlueprintDeploymentResult res = r.getResult();
        assertEquals(List.of(PortMapping.newBuilder().setInternalPort(8080).setExternalPort(8080)
                .setProtocol(PortProtocol.PORT_PROTOCOL_TCP).build()), res.getPortMappingsList());
        assertEquals("http://127.0.0.1:8080", res.getQosEndpoint());
        assertEquals("podman", res.getMetadataOrThrow("runtime"));
        assertEquals("root", res.getMetadataOrThrow("ssh_user"));
        String name = res.getMetadataOrThrow("container_name");
        String id = res.getMetadataOrThrow("container_id");
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertFalse(res.toString().contains("line1"), "env values are never returned");

        // the published port answers from outside the container
        HttpResponse<byte[]> health = get("http://127.0.0.1:8080/health");
        assertEquals(200, health.statusCode());
        // the env values arrived byte-for-byte
        for (Map.Entry<String, String> e : HOSTILE.entrySet()) {
            HttpResponse<byte[]> v = get("http://127.0.0.1:8080/env/" + e.getKey());
            assertEquals(200, v.statusCode(), e.getKey());
            assertArrayEquals(e.getValue().getBytes(StandardCharsets.UTF_8), v.body(), e.getKey());
        }
        // hardening and limits as asked
        String inspect = podman("inspect", "--format", "{{.HostConfig.SecurityOpt}} {{.HostConfig.PidsLimit}} "
                + "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} "
                + "{{index .Config.Labels \"managed-by\"}} {{index .Config.Labels \"io.cloudprovisioner.blueprint-id\"}}",
                name);
        assertEquals("0:[no-new-privileges] 512 always 268435456 500000000 cloud-provisioner web", inspect);
        String dropped = podman("inspect", "--format", "{{.HostConfig.CapDrop}}", name);
        assertTrue(dropped.contains("CAP_CHOWN") && dropped.contains("CAP_NET_BIND_SERVICE")
                && dropped.contains("CAP_SETUID"), "--cap-drop ALL shows as the dropped list: " + dropped);
        Path files = Path.of(System.getProperty("user.home"), ".cloudprovisioner/deployments", name);
        assertFalse(Files.exists(files), "the env files are removed once the container started");

        // the same request again: replayed, nothing new started
        DeployBlueprintResponse again = api.deployBlueprint(DeployBlueprintRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId())
                .setBlueprint(blueprint("web", 8080)).setClientRequestId("it-web-1").build());
        assertEquals("true", again.getResult().getMetadataOrThrow("replayed"));
        assertEquals(id, again.getResult().getMetadataOrThrow("container_id"));
        // another request for the same blueprint on the same instance
        assertEquals("BLUEPRINT_ALREADY_DEPLOYED", errorInfo(expect(Status.Code.ALREADY_EXISTS,
                () -> api.deployBlueprint(DeployBlueprintRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId())
                        .setBlueprint(blueprint("web", 8080)).setClientRequestId("it-web-2").build()))).getReason());

        HealthCheckBlueprintResponse h = api.healthCheckBlueprint(HealthCheckBlueprintRequest.newBuilder()
                .setTarget(target(i)).setBlueprintId("web").build());
        assertTrue(h.getHealthy(), h.getDetail());
        assertEquals("HTTP GET http://127.0.0.1:8080/health: status 200", h.getDetail());

        // kill the container's process: the restart policy brings it back
        String pid = podman("inspect", "--format", "{{.State.Pid}}", name).substring(2);
        assertEquals(0, new ProcessBuilder("kill", "-9", pid).start().waitFor());
        boolean back = false;
        for (int t = 0; t < 60 && !back; t++) {
            Thread.sleep(500);
            String st = podman("inspect", "--format", "{{.State.Running}} {{.RestartCount}}", name);
            back = st.equals("0:true 1") && api.healthCheckBlueprint(HealthCheckBlueprintRequest.newBuilder()
                    .setTarget(target(i)).setBlueprintId("web").build()).getHealthy();
        }
        assertTrue(back, "restarted and healthy again within 30 s");

        // stopped: unhealthy, and the answer says what was checked
        assertTrue(podman("stop", "--time", "2", name).startsWith("0:"));
        HealthCheckBlueprintResponse down = api.healthCheckBlueprint(HealthCheckBlueprintRequest.newBuilder()
                .setTarget(target(i)).setBlueprintId("web").build());
        assertFalse(down.getHealthy());
        assertTrue(down.getDetail().startsWith("HTTP GET http://127.0.0.1:8080/health: connection refused"),
                down.getDetail());

        // cleanup leaves nothing (the instance too, asked to); repeating it is harmless
        CleanupBlueprintRequest cleanup = CleanupBlueprintRequest.newBuilder().setTarget(target(i))
                .setBlueprintId("web").setTerminateInstance(true).setClientRequestId("it-clean-1").build();
        String instance = "instance digitalocean/" + i.getId() + " (terminated)";
        assertEquals(List.of("container " + name + " (" + id + ") on 127.0.0.1", instance),
                api.cleanupBlueprint(cleanup).getRemovedList());
        assertTrue(podman("container", "exists", name).startsWith("1:"), "no container");
        assertFalse(Files.exists(files), "no files");
        assertEquals(io.cloudprovisioner.ledger.RecordState.TERMINATED, ledger.findByInstance(
                io.cloudprovisioner.domain.Provider.DIGITALOCEAN, i.getId()).orElseThrow().state());
        assertEquals(List.of(instance), api.cleanupBlueprint(cleanup).getRemovedList());
        assertEquals(DeploymentState.REMOVED, store.find("it-web-1").orElseThrow().state());
        assertEquals("DEPLOYMENT_REMOVED", errorInfo(expect(Status.Code.NOT_FOUND, () -> api.healthCheckBlueprint(
                HealthCheckBlueprintRequest.newBuilder().setTarget(target(i)).setBlueprintId("web").build())))
                .getReason());
    }

    @Test
    void anUnhealthyWorkloadFailsTheDeployAndLeavesNothingRunning() throws Exception {
        ProvisionedInstance i = droplet("it-deploy-2");
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> api.deployBlueprintToTarget(
                DeployBlueprintToTargetRequest.newBuilder().setTarget(target(i))
                        .setBlueprint(blueprint("sick", 8081).setHealthPath("/no-such-page"))
                        .setClientRequestId("it-sick-1").build()));
        assertEquals("UNHEALTHY", errorInfo(e).getReason());
        assertTrue(e.getStatus().getDescription().contains("HTTP GET http://127.0.0.1:8081/no-such-page: status 404"),
                e.getStatus().getDescription());
        DeploymentRecord r = store.find("it-sick-1").orElseThrow();
        assertEquals(DeploymentState.FAILED, r.state());
        assertTrue(podman("container", "exists", r.containerName()).startsWith("1:"), "the container was removed");
        assertFalse(Files.exists(Path.of(System.getProperty("user.home"), r.remoteDir())));
    }

    @Test
    void aChangedHostKeyIsRefused() {
        ProvisionedInstance i = droplet("it-deploy-3");
        int port = Integer.parseInt(DeployItResource.env("CP_DEPLOY_IT_SSH_PORT", "2222"));
        // first contact pins the real key (a deploy of a blueprint whose port is closed is refused before SSH, so
        // deploy one for real and clean it up)
        api.deployBlueprint(DeployBlueprintRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setInstanceId(i.getId()).setBlueprint(blueprint("pin", 8081)).setClientRequestId("it-pin-1").build());
        api.cleanupBlueprint(CleanupBlueprintRequest.newBuilder().setTarget(target(i)).setBlueprintId("pin").build());
        String real = store.find("127.0.0.1", port).orElseThrow();
        try {
            store.repin("127.0.0.1", port, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
            StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> api.deployBlueprint(
                    DeployBlueprintRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                            .setInstanceId(i.getId()).setBlueprint(blueprint("pin", 8081))
                            .setClientRequestId("it-pin-2").build()));
            assertEquals("HOST_KEY_CHANGED", errorInfo(e).getReason());
            assertTrue(e.getStatus().getDescription().contains(
                    io.cloudprovisioner.deployment.ssh.HostKeyChangedException.fingerprint(real)),
                    e.getStatus().getDescription());
        } finally {
            store.repin("127.0.0.1", port, real);
        }
    }
}

package io.cloudprovisioner.deployment;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static io.cloudprovisioner.api.GrpcTestSupport.preconditionFailure;
import static io.cloudprovisioner.api.GrpcTestSupport.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.AutoDeployRequest;
import io.cloudprovisioner.api.v1.Blueprint;
import io.cloudprovisioner.api.v1.BlueprintPort;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CleanupBlueprintRequest;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.DeployBlueprintRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetRequest;
import io.cloudprovisioner.api.v1.DeploymentTarget;
import io.cloudprovisioner.api.v1.DeploymentType;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintResponse;
import io.cloudprovisioner.api.v1.PortProtocol;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Blueprint RPCs through the gRPC API against the DigitalOcean stand-in (droplets at 127.0.0.1) and an in-JVM
 * SSH server: what is refused before anything starts (bad input, unknown or stopped instances, ports the service does
 * not open, targets not built), the service key the adapter installs, and a changed host key. The deployment itself
 * onto real podman runs in the deploy-it profile (BlueprintDeployIT).
 */
@QuarkusTest
@QuarkusTestResource(value = DeployStandInResource.class, restrictToAnnotatedClass = true)
public class BlueprintApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ServiceKeys keys;
    @Inject
    DeploymentStore store;
    @Inject
    io.cloudprovisioner.ledger.LedgerDatabase db;

    ManagedChannel channel;
    BlueprintServiceGrpc.BlueprintServiceBlockingStub api;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub provisioning;
    DigitalOceanStandIn standIn;

    @BeforeEach
    void open() {
        standIn = DigitalOceanStandInResource.standIn();
        channel = GrpcTestSupport.channel();
        api = BlueprintServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        provisioning = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    ProvisionedInstance droplet(String requestId) {
        return provisioning.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceType("s-1vcpu-1gb").setClientRequestId(requestId).build()).getInstance();
    }

    static Blueprint.Builder blueprint(String id) {
        return Blueprint.newBuilder().setId(id).setImage("localhost/cp-test:1").putEnv("GREETING", "hi")
                .addPorts(BlueprintPort.newBuilder().setContainerPort(8080).setName("http")).setHealthPath("/health");
    }

    static DeployBlueprintRequest.Builder deploy(ProvisionedInstance i, Blueprint.Builder b, String requestId) {
        return DeployBlueprintRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setInstanceId(i.getId()).setBlueprint(b).setClientRequestId(requestId);
    }

    static DeploymentTarget target(ProvisionedInstance i) {
        return DeploymentTarget.newBuilder().setType(DeploymentType.DEPLOYMENT_TYPE_VM)
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId()).build();
    }

    @Test
    void theAdapterInstallsTheServiceKeyWhenNoPublicKeyIsConfigured() throws Exception {
        droplet("bp-key-1");
        String registered = JSON.readTree(standIn.calls("keys.create").get(0).body()).get("public_key").asText();
        assertTrue(registered.startsWith("ssh-ed25519 AAAA"), registered);
        assertEquals(keys.key().publicKey(), registered, "the generated key's public half");
        assertTrue(keys.key().source().endsWith("/ssh/id_ed25519"), keys.key().source());
    }

    @Test
    void badInputIsRefusedWithEveryFieldAndNothingIsRecorded() {
        ProvisionedInstance i = droplet("bp-bad-1");
        Blueprint.Builder bad = Blueprint.newBuilder().setId("Bad_Id").setImage("UPPER/Case:tag")
                .putEnv("1BAD", "x").putEnv("LD_PRELOAD", "/evil.so").putEnv("OK", "nul\0inside")
                .addPorts(BlueprintPort.newBuilder().setContainerPort(0))
                .addPorts(BlueprintPort.newBuilder().setContainerPort(70000))
                .addPorts(BlueprintPort.newBuilder().setContainerPort(8080))
                .addPorts(BlueprintPort.newBuilder().setContainerPort(8080).setProtocol(PortProtocol.PORT_PROTOCOL_TCP))
                .setHealthPath("no-slash");
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> api.deployBlueprint(deploy(i, bad,
                "bp-bad-req").build()));
        List<String> fields = violatedFields(e);
        assertEquals(List.of("blueprint.id", "blueprint.image", "blueprint.env[1BAD]", "blueprint.env[LD_PRELOAD]",
                "blueprint.env[OK]", "blueprint.ports[0].container_port", "blueprint.ports[1].container_port",
                "blueprint.ports[3].container_port", "blueprint.health_path"), fields);
        assertFalse(e.getStatus().getDescription().contains("evil"), "values are never echoed");
        assertFalse(e.getStatus().getDescription().contains("nul"), "values are never echoed");
        assertTrue(store.find("bp-bad-req").isEmpty(), "nothing recorded");

        StatusRuntimeException missing = expect(Status.Code.INVALID_ARGUMENT, () -> api.deployBlueprint(
                DeployBlueprintRequest.newBuilder().build()));
        assertEquals(List.of("provider", "instance_id", "blueprint"), violatedFields(missing));
        for (String image : List.of("-rm", "a//b", "a:b:c", "name@sha256:short", "x y")) {
            assertEquals(List.of("blueprint.image"), violatedFields(expect(Status.Code.INVALID_ARGUMENT,
                    () -> api.deployBlueprint(deploy(i, blueprint("web").setImage(image), "bp-img").build()))), image);
        }
        for (String id : List.of("", "-web", "web-", "a".repeat(64), "we.b")) {
            assertEquals(List.of("blueprint.id"), violatedFields(expect(Status.Code.INVALID_ARGUMENT,
                    () -> api.deployBlueprint(deploy(i, blueprint(id), "bp-id").build()))), id);
        }
    }

    @Test
    void unknownInstancesStoppedInstancesAndClosedPortsAreRefused() {
        StatusRuntimeException nf = expect(Status.Code.NOT_FOUND, () -> api.deployBlueprint(DeployBlueprintRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId("999")
                .setBlueprint(blueprint("web")).build()));
        assertEquals("INSTANCE_NOT_FOUND", errorInfo(nf).getReason());

        ProvisionedInstance i = droplet("bp-ports-1");
        StatusRuntimeException ports = expect(Status.Code.FAILED_PRECONDITION, () -> api.deployBlueprint(deploy(i,
                blueprint("web").addPorts(BlueprintPort.newBuilder().setContainerPort(9090))
                        .addPorts(BlueprintPort.newBuilder().setContainerPort(5353)
                                .setProtocol(PortProtocol.PORT_PROTOCOL_UDP)), "bp-ports-req").build()));
        assertEquals("PORTS_NOT_OPEN", errorInfo(ports).getReason());
        assertTrue(ports.getStatus().getDescription().contains("9090/tcp, 5353/udp"), ports.getStatus().toString());
        assertTrue(ports.getStatus().getDescription().contains("cloudprovisioner.network.ingress-ports"));
        assertEquals("cloudprovisioner.network.ingress-ports", preconditionFailure(ports).getViolations(0)
                .getSubject());
        assertTrue(store.find("bp-ports-req").isEmpty());

        StatusRuntimeException region = expect(Status.Code.INVALID_ARGUMENT, () -> api.deployBlueprint(deploy(i,
                blueprint("web"), "bp-region").setRegion("sfo3").build()));
        assertEquals(List.of("region"), violatedFields(region));

        provisioning.terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId()).build());
        StatusRuntimeException stopped = expect(Status.Code.FAILED_PRECONDITION, () -> api.deployBlueprint(deploy(i,
                blueprint("web"), "bp-stopped").build()));
        assertEquals("INSTANCE_NOT_RUNNING", errorInfo(stopped).getReason());
    }

    @Test
    void targetsNotBuiltAnswerUnimplemented() {
        ProvisionedInstance i = droplet("bp-unimpl-1");
        // Kubernetes targets are built (KubernetesBlueprintApiTest): a VM's fields on one are refused, managed ones
        // need a kubeconfig context
        StatusRuntimeException k8s = expect(Status.Code.INVALID_ARGUMENT, () -> api.deployBlueprintToTarget(
                DeployBlueprintToTargetRequest.newBuilder().setTarget(target(i).toBuilder()
                        .setType(DeploymentType.DEPLOYMENT_TYPE_KUBERNETES)).setBlueprint(blueprint("web")).build()));
        assertEquals(List.of("target.cluster", "target.instance_id", "target.provider"), violatedFields(k8s));
        StatusRuntimeException managed = expect(Status.Code.FAILED_PRECONDITION, () -> api.healthCheckBlueprint(
                HealthCheckBlueprintRequest.newBuilder().setTarget(target(i).toBuilder()
                        .setType(DeploymentType.DEPLOYMENT_TYPE_MANAGED_KUBERNETES)).setBlueprintId("web").build()));
        assertEquals("MANAGED_KUBERNETES_NEEDS_KUBECONFIG", errorInfo(managed).getReason());
        StatusRuntimeException provision = expect(Status.Code.UNIMPLEMENTED, () -> api.deployBlueprintToTarget(
                DeployBlueprintToTargetRequest.newBuilder().setTarget(target(i).toBuilder().clearInstanceId())
                        .setBlueprint(blueprint("web")).build()));
        assertTrue(provision.getStatus().getDescription().contains("provisioning a VM"));
        expect(Status.Code.UNIMPLEMENTED, () -> api.healthCheckBlueprint(HealthCheckBlueprintRequest.newBuilder()
                .setTarget(target(i).toBuilder().setType(DeploymentType.DEPLOYMENT_TYPE_SERVERLESS))
                .setBlueprintId("web").build()));
        expect(Status.Code.UNIMPLEMENTED, () -> api.autoDeploy(AutoDeployRequest.newBuilder()
                .setBlueprint(blueprint("web")).build()).next());
        expect(Status.Code.NOT_FOUND, () -> api.healthCheckBlueprint(HealthCheckBlueprintRequest.newBuilder()
                .setTarget(target(i)).setBlueprintId("never-deployed").build()));
        expect(Status.Code.NOT_FOUND, () -> api.cleanupBlueprint(CleanupBlueprintRequest.newBuilder()
                .setTarget(target(i)).setBlueprintId("never-deployed").build()));
    }

    @Test
    void aChangedHostKeyIsRefusedAndTheDeploymentRecordedFailed() {
        ProvisionedInstance i = droplet("bp-hostkey-1");
        int port = DeployStandInResource.sshServer().port();
        // the ledger knows another key for this host:port than the one the server presents
        store.repin("127.0.0.1", port, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> api.deployBlueprint(deploy(i,
                blueprint("web"), "bp-hostkey-req").build()));
        assertEquals("HOST_KEY_CHANGED", errorInfo(e).getReason());
        assertTrue(e.getStatus().getDescription().contains("recorded on first contact"), e.getStatus().toString());
        DeploymentRecord r = store.find("bp-hostkey-req").orElseThrow();
        assertEquals(DeploymentState.FAILED, r.state());
        assertEquals("root", r.sshUser(), "DigitalOcean's default login user");
        assertEquals(port, r.sshPort());
        assertEquals("127.0.0.1", r.host());
        assertTrue(r.detail().contains("HOST_KEY") || r.detail().contains("host key"), r.detail());
        assertTrue(store.find("127.0.0.1", port).orElseThrow().startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq"),
                "the pin stays");

        HealthCheckBlueprintResponse h = api.healthCheckBlueprint(HealthCheckBlueprintRequest.newBuilder()
                .setTarget(target(i)).setBlueprintId("web").build());
        assertFalse(h.getHealthy());
        assertTrue(h.getDetail().startsWith("the deployment failed: "), h.getDetail());

        // the same id and request: tried again (FAILED), refused again for the same reason
        assertEquals("HOST_KEY_CHANGED", errorInfo(expect(Status.Code.FAILED_PRECONDITION, () -> api.deployBlueprint(
                deploy(i, blueprint("web"), "bp-hostkey-req").build()))).getReason());
        // the same id with other parameters
        StatusRuntimeException reused = expect(Status.Code.ALREADY_EXISTS, () -> api.deployBlueprint(deploy(i,
                blueprint("web").putEnv("GREETING", "other"), "bp-hostkey-req").build()));
        assertEquals("IDEMPOTENCY_KEY_REUSED", errorInfo(reused).getReason());

        // once the instance is terminated nothing is left on a host: cleanup only closes the record, and with
        // terminate_instance goes through TerminateInstance (replayed when repeated)
        provisioning.terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(i.getId()).build());
        CleanupBlueprintRequest cleanup = CleanupBlueprintRequest.newBuilder().setTarget(target(i))
                .setBlueprintId("web").setTerminateInstance(true).setClientRequestId("bp-hostkey-clean").build();
        List<String> expected = List.of("instance digitalocean/" + i.getId() + " (terminated)");
        assertEquals(expected, api.cleanupBlueprint(cleanup).getRemovedList());
        assertEquals(DeploymentState.REMOVED, store.find("bp-hostkey-req").orElseThrow().state());
        assertEquals(expected, api.cleanupBlueprint(cleanup).getRemovedList(), "repeating it is harmless");
    }

    @Test
    void aDeploymentInProgressIsNotStartedTwiceAndAnAbandonedOneIsTakenOver() throws Exception {
        ProvisionedInstance i = droplet("bp-takeover-1");
        DeployBlueprintRequest req = deploy(i, blueprint("job"), "bp-takeover-req").build();
        String key = "bp-takeover-req";
        // a call that recorded DEPLOYING and is still running (or died without recording an outcome)
        assertTrue(store.begin(new DeploymentRecord(key, key, io.cloudprovisioner.ledger.Fingerprint.of(
                req.toBuilder().clearClientRequestId().build()), "test", "job", "localhost/cp-test:1",
                io.cloudprovisioner.domain.Provider.DIGITALOCEAN, "nyc3", i.getId(), "127.0.0.1",
                DeployStandInResource.sshServer().port(), "root", null, Deployer.containerName("job", key), null,
                ".cloudprovisioner/deployments/x", "0", List.of(), "/health", null, DeploymentState.DEPLOYING, null,
                "another-node", java.time.Instant.now(), java.time.Instant.now())));
        assertEquals("REQUEST_IN_PROGRESS", errorInfo(expect(Status.Code.ABORTED, () -> api.deployBlueprint(req)))
                .getReason());
        assertEquals("DEPLOYMENT_IN_PROGRESS", errorInfo(expect(Status.Code.ABORTED, () -> api.cleanupBlueprint(
                CleanupBlueprintRequest.newBuilder().setTarget(target(i)).setBlueprintId("job").build()))).getReason());
        // two hours without an update: abandoned, so the same request takes it over and goes on (to SSH, where the
        // host key pinned here stops it)
        try (java.sql.Connection c = db.connection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "UPDATE deployment_record SET updated_at=? WHERE request_key=?")) {
            ps.setObject(1, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusHours(2));
            ps.setString(2, key);
            assertEquals(1, ps.executeUpdate());
        }
        store.repin("127.0.0.1", DeployStandInResource.sshServer().port(),
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
        assertEquals("HOST_KEY_CHANGED", errorInfo(expect(Status.Code.FAILED_PRECONDITION,
                () -> api.deployBlueprint(req))).getReason());
        DeploymentRecord r = store.find(key).orElseThrow();
        assertEquals(DeploymentState.FAILED, r.state());
        assertTrue(r.owner() != null && !r.owner().equals("another-node"), "taken over: " + r.owner());
    }
}

package io.cloudprovisioner.api;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static io.cloudprovisioner.api.GrpcTestSupport.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.AutoscalingPolicy;
import io.cloudprovisioner.api.v1.Blueprint;
import io.cloudprovisioner.api.v1.BlueprintDeploymentResult;
import io.cloudprovisioner.api.v1.BlueprintPort;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CleanupBlueprintRequest;
import io.cloudprovisioner.api.v1.CleanupBlueprintResponse;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetRequest;
import io.cloudprovisioner.api.v1.DeploymentTarget;
import io.cloudprovisioner.api.v1.DeploymentType;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintResponse;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.deployment.DeploymentState;
import io.cloudprovisioner.deployment.kubernetes.KubernetesDeploymentStore;
import io.cloudprovisioner.deployment.kubernetes.KubernetesMockResource;
import io.cloudprovisioner.deployment.kubernetes.KubernetesNames;
import io.cloudprovisioner.security.Ownership;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Blueprint RPCs on generic Kubernetes targets through the gRPC API, against fabric8's mock API server in CRUD
 * mode (a kubeconfig with two contexts points at it) with API keys for alice, bob (operators) and root (admin). The
 * objects the service makes are read back from the mock server. CRUD mode runs no controller, so a Deployment never
 * gets a status by itself: tests that need a ready Deployment run {@link StatusWriter}, which plays the Deployment
 * controller and writes availableReplicas; the not-ready test runs none.
 */
@QuarkusTest
@QuarkusTestResource(value = KubernetesMockResource.class, restrictToAnnotatedClass = true)
public class KubernetesBlueprintApiTest {
    @Inject
    KubernetesDeploymentStore store;
    @Inject
    Ownership ownership;

    ManagedChannel channel;
    KubernetesClient kube;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        kube = KubernetesMockResource.client();
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    BlueprintServiceGrpc.BlueprintServiceBlockingStub as(String apiKey) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), apiKey);
        return BlueprintServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils
                .newAttachHeadersInterceptor(md)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static DeploymentTarget.Builder target(String namespace) {
        return DeploymentTarget.newBuilder().setType(DeploymentType.DEPLOYMENT_TYPE_KUBERNETES)
                .setCluster(KubernetesMockResource.CONTEXT).setNamespace(namespace);
    }

    static Blueprint.Builder blueprint(String id) {
        return Blueprint.newBuilder().setId(id).setImage("registry.example/team/web:1.2").putEnv("TOKEN", "s3cr3t-v4lue")
                .putEnv("GREETING", "hi").addPorts(BlueprintPort.newBuilder().setContainerPort(8080).setName("http"))
                .addPorts(BlueprintPort.newBuilder().setContainerPort(9090).setName("metrics")).setHealthPath("/healthz")
                .setResources(ResourceSpec.newBuilder().setCpu(0.5).setMemoryGb(0.25));
    }

    static DeployBlueprintToTargetRequest deploy(DeploymentTarget.Builder t, Blueprint.Builder b, String id) {
        return DeployBlueprintToTargetRequest.newBuilder().setTarget(t).setBlueprint(b).setClientRequestId(id).build();
    }

    static HealthCheckBlueprintRequest health(String ns, String blueprintId) {
        return HealthCheckBlueprintRequest.newBuilder().setTarget(target(ns)).setBlueprintId(blueprintId).build();
    }

    static CleanupBlueprintRequest cleanup(String ns, String blueprintId) {
        return CleanupBlueprintRequest.newBuilder().setTarget(target(ns)).setBlueprintId(blueprintId).build();
    }

    /**
     * Plays the Deployment controller the CRUD mock lacks: every Deployment of this service in the namespace that has
     * no status gets one with an available replica (bounded: at most 30 s, every 50 ms).
     */
    final class StatusWriter implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        StatusWriter(String ns) {
            thread = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!stop.get() && System.nanoTime() < end) {
                    for (Deployment d : kube.apps().deployments().inNamespace(ns)
                            .withLabel(KubernetesNames.MANAGED_BY, KubernetesNames.MANAGED_BY_VALUE).list().getItems()) {
                        if (d.getStatus() == null || d.getStatus().getAvailableReplicas() == null) {
                            d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withUpdatedReplicas(1)
                                    .withReadyReplicas(1).withAvailableReplicas(1).build());
                            try {
                                kube.apps().deployments().inNamespace(ns).resource(d).updateStatus();
                            } catch (RuntimeException e) {
                                // deleted meanwhile: the next round sees the current list
                            }
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "status-writer-" + ns);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(5000);
        }
    }

    @Test
    void deploysExactlyTheseObjectsAndCleansUpOnlyThem() throws Exception {
        String ns = "k-exact";
        // objects that are not this deployment's: another app's, and one of this service with another deployment id
        kube.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                .withName("someone-else").endMetadata().withNewSpec().withNewTemplate().withNewSpec().addNewContainer()
                .withName("c").withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
        kube.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("cp-web-0000000000")
                .withLabels(Map.of(KubernetesNames.MANAGED_BY, KubernetesNames.MANAGED_BY_VALUE,
                        KubernetesNames.DEPLOYMENT_ID, "0000000000")).endMetadata().build()).create();

        BlueprintDeploymentResult r;
        DeploymentTarget.Builder t = target(ns).setAutoscaling(AutoscalingPolicy.newBuilder().setMinReplicas(2)
                .setMaxReplicas(5).setTargetCpuUtilizationPercent(60));
        try (StatusWriter w = new StatusWriter(ns)) {
            r = as(KubernetesMockResource.ALICE).deployBlueprintToTarget(deploy(t, blueprint("web"), "k-exact-1"))
                    .getResult();
        }
        String key = ownership.key("alice", "k-exact-1");
        String name = KubernetesNames.objectName("web", key);
        assertEquals(name, r.getMetadataOrThrow("deployment"));
        assertEquals(name, r.getMetadataOrThrow("secret"));
        assertEquals(name, r.getMetadataOrThrow("service"));
        assertEquals(name, r.getMetadataOrThrow("horizontal_pod_autoscaler"));
        assertEquals(KubernetesMockResource.CONTEXT, r.getMetadataOrThrow("kubernetes_context"));
        assertEquals("RUNNING", r.getMetadataOrThrow("deployment_state"));
        assertEquals(DeploymentType.DEPLOYMENT_TYPE_KUBERNETES, r.getTarget().getType());
        assertFalse(r.toString().contains("s3cr3t"), "env values are never returned");

        Map<String, String> labels = Map.of(KubernetesNames.MANAGED_BY, "cloudprovisioner", KubernetesNames.NAME, "web",
                KubernetesNames.INSTANCE, name, KubernetesNames.DEPLOYMENT_ID, KubernetesNames.deploymentId(key),
                KubernetesNames.BLUEPRINT_ID, "web", KubernetesNames.REQUEST_ID, "k-exact-1");
        Secret s = kube.secrets().inNamespace(ns).withName(name).get();
        assertEquals(labels, s.getMetadata().getLabels());
        assertEquals("s3cr3t-v4lue", new String(Base64.getDecoder().decode(s.getData().get("TOKEN")),
                StandardCharsets.UTF_8));
        Deployment d = kube.apps().deployments().inNamespace(ns).withName(name).get();
        assertEquals(labels, d.getMetadata().getLabels());
        assertEquals(2, d.getSpec().getReplicas());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example/team/web:1.2", c.getImage());
        assertEquals(List.of("GREETING", "TOKEN"), c.getEnv().stream().map(EnvVar::getName).toList());
        for (EnvVar e : c.getEnv()) {
            assertNull(e.getValue(), "from the Secret, not literal");
            assertEquals(name, e.getValueFrom().getSecretKeyRef().getName());
        }
        assertEquals(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi")), c.getResources().getLimits());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals(Boolean.TRUE, c.getSecurityContext().getRunAsNonRoot(), "run-as-non-root=true in this test");
        Service svc = kube.services().inNamespace(ns).withName(name).get();
        assertEquals("ClusterIP", svc.getSpec().getType());
        assertEquals(List.of(8080, 9090), svc.getSpec().getPorts().stream().map(p -> p.getPort()).toList());
        assertEquals(KubernetesNames.selector(key), svc.getSpec().getSelector());
        HorizontalPodAutoscaler h = kube.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(name)
                .get();
        assertEquals(2, h.getSpec().getMinReplicas());
        assertEquals(5, h.getSpec().getMaxReplicas());
        assertEquals(60, h.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
        assertEquals(80, h.getSpec().getMetrics().get(1).getResource().getTarget().getAverageUtilization(), "default");
        String host = svc.getSpec().getClusterIP() == null || svc.getSpec().getClusterIP().isEmpty()
                ? name + "." + ns + ".svc" : svc.getSpec().getClusterIP();
        assertEquals("http://" + host + ":9090", r.getQosEndpoint(), "the port named metrics");
        assertEquals(2, r.getPortMappingsCount());

        // the ledger: the caller as owner, only the env hash
        var rec = store.find(key).orElseThrow();
        assertEquals("alice", rec.caller());
        assertEquals(DeploymentState.RUNNING, rec.state());
        assertEquals(ns, rec.namespace());
        assertEquals(64, rec.envHash().length());

        // the same request again is a replay; the same blueprint by the same caller in the namespace is refused
        BlueprintDeploymentResult again = as(KubernetesMockResource.ALICE).deployBlueprintToTarget(deploy(t,
                blueprint("web"), "k-exact-1")).getResult();
        assertEquals("true", again.getMetadataOrThrow("replayed"));
        assertEquals("BLUEPRINT_ALREADY_DEPLOYED", errorInfo(expect(Status.Code.ALREADY_EXISTS,
                () -> as(KubernetesMockResource.ALICE).deployBlueprintToTarget(deploy(t, blueprint("web"),
                        "k-exact-2")))).getReason());

        HealthCheckBlueprintResponse hc = as(KubernetesMockResource.ALICE).healthCheckBlueprint(health(ns, "web"));
        assertTrue(hc.getHealthy(), hc.getDetail());
        assertTrue(hc.getDetail().contains("Deployment " + ns + "/" + name) && hc.getDetail().contains("available 1"),
                hc.getDetail());

        CleanupBlueprintResponse cl = as(KubernetesMockResource.ALICE).cleanupBlueprint(cleanup(ns, "web"));
        assertEquals(4, cl.getRemovedCount(), cl.toString());
        assertNull(kube.apps().deployments().inNamespace(ns).withName(name).get());
        assertNull(kube.secrets().inNamespace(ns).withName(name).get());
        assertNull(kube.services().inNamespace(ns).withName(name).get());
        assertNull(kube.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(name).get());
        assertNotNull(kube.apps().deployments().inNamespace(ns).withName("someone-else").get(), "foreign: kept");
        assertNotNull(kube.secrets().inNamespace(ns).withName("cp-web-0000000000").get(), "another deployment's: kept");
        assertEquals(DeploymentState.REMOVED, store.find(key).orElseThrow().state());

        CleanupBlueprintResponse twice = as(KubernetesMockResource.ALICE).cleanupBlueprint(cleanup(ns, "web"));
        assertEquals(0, twice.getRemovedCount(), "repeating is harmless");
        assertNotNull(kube.apps().deployments().inNamespace(ns).withName("someone-else").get());
        assertEquals("DEPLOYMENT_REMOVED", errorInfo(expect(Status.Code.NOT_FOUND,
                () -> as(KubernetesMockResource.ALICE).healthCheckBlueprint(health(ns, "web")))).getReason());
    }

    @Test
    void twoCallersGetDistinctObjectsAndNeverSeeEachOthers() throws Exception {
        String ns = "k-shared";
        BlueprintDeploymentResult a;
        BlueprintDeploymentResult b;
        try (StatusWriter w = new StatusWriter(ns)) {
            a = as(KubernetesMockResource.ALICE).deployBlueprintToTarget(deploy(target(ns), blueprint("api"), "same-id"))
                    .getResult();
            b = as(KubernetesMockResource.BOB).deployBlueprintToTarget(deploy(target(ns), blueprint("api"), "same-id"))
                    .getResult();
        }
        assertNotEquals(a.getMetadataOrThrow("deployment"), b.getMetadataOrThrow("deployment"),
                "same blueprint, same namespace (even the same client request id): distinct names");
        assertEquals(2, kube.apps().deployments().inNamespace(ns).withLabel(KubernetesNames.BLUEPRINT_ID, "api")
                .list().getItems().size());

        // alice's solo deployment is not found for bob (health and cleanup), found for the admin
        try (StatusWriter w = new StatusWriter(ns)) {
            as(KubernetesMockResource.ALICE).deployBlueprintToTarget(deploy(target(ns), blueprint("solo"), "solo-1"));
        }
        expect(Status.Code.NOT_FOUND, () -> as(KubernetesMockResource.BOB).healthCheckBlueprint(health(ns, "solo")));
        expect(Status.Code.NOT_FOUND, () -> as(KubernetesMockResource.BOB).cleanupBlueprint(cleanup(ns, "solo")));
        assertTrue(as(KubernetesMockResource.ROOT).healthCheckBlueprint(health(ns, "solo")).getHealthy());

        CleanupBlueprintResponse bobs = as(KubernetesMockResource.BOB).cleanupBlueprint(cleanup(ns, "api"));
        assertEquals(3, bobs.getRemovedCount(), bobs.toString()); // Service, Deployment, Secret (no autoscaling)
        assertTrue(bobs.getRemovedList().stream().allMatch(s -> s.contains(b.getMetadataOrThrow("deployment"))));
        assertNotNull(kube.apps().deployments().inNamespace(ns).withName(a.getMetadataOrThrow("deployment")).get(),
                "alice's stays");
        assertTrue(as(KubernetesMockResource.ALICE).healthCheckBlueprint(health(ns, "api")).getHealthy());
        assertEquals(3, as(KubernetesMockResource.ALICE).cleanupBlueprint(cleanup(ns, "api")).getRemovedCount());
        assertEquals(3, as(KubernetesMockResource.ROOT).cleanupBlueprint(cleanup(ns, "solo")).getRemovedCount());
    }

    @Test
    void aDeploymentThatIsNotReadyInTimeFailsWithItsStatusAndLeavesNothing() {
        String ns = "k-notready";
        // no StatusWriter: nothing ever makes the Deployment available (ready-timeout is 4 s in this test)
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> as(KubernetesMockResource.ALICE)
                .deployBlueprintToTarget(deploy(target(ns), blueprint("slow"), "k-slow-1")));
        assertEquals("NOT_READY", errorInfo(e).getReason());
        assertTrue(e.getStatus().getDescription().contains("no status reported yet"), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains("its objects were deleted"), e.getStatus().toString());
        assertEquals(0, kube.apps().deployments().inNamespace(ns).list().getItems().size());
        assertEquals(0, kube.secrets().inNamespace(ns).list().getItems().size());
        assertEquals(0, kube.services().inNamespace(ns).list().getItems().size());
        String key = ownership.key("alice", "k-slow-1");
        assertEquals(DeploymentState.FAILED, store.find(key).orElseThrow().state());

        HealthCheckBlueprintResponse hc = as(KubernetesMockResource.ALICE).healthCheckBlueprint(health(ns, "slow"));
        assertFalse(hc.getHealthy());
        assertTrue(hc.getDetail().startsWith("the deployment failed: "), hc.getDetail());
        assertEquals(0, as(KubernetesMockResource.ALICE).cleanupBlueprint(cleanup(ns, "slow")).getRemovedCount());
        assertEquals(DeploymentState.REMOVED, store.find(key).orElseThrow().state(), "a FAILED record is cleanable");
    }

    @Test
    void anObjectWithTheSameNameButNotItsLabelsIsNeitherReplacedNorDeleted() throws Exception {
        String ns = "k-clash";
        String name = KubernetesNames.objectName("clash", ownership.key("alice", "k-clash-1"));
        kube.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
                .withName(name).withLabels(Map.of("owner", "someone-else")).endMetadata().withNewSpec().addNewPort()
                .withPort(1).endPort().endSpec().build()).create();
        StatusRuntimeException e;
        try (StatusWriter w = new StatusWriter(ns)) {
            e = expect(Status.Code.FAILED_PRECONDITION, () -> as(KubernetesMockResource.ALICE)
                    .deployBlueprintToTarget(deploy(target(ns), blueprint("clash"), "k-clash-1")));
        }
        assertEquals("KUBERNETES_CONFLICT", errorInfo(e).getReason(), e.getStatus().toString());
        Service kept = kube.services().inNamespace(ns).withName(name).get();
        assertNotNull(kept, "not this deployment's (its labels differ): left alone");
        assertEquals(Map.of("owner", "someone-else"), kept.getMetadata().getLabels());
        assertNull(kube.apps().deployments().inNamespace(ns).withName(name).get(), "what it made was deleted");
        assertNull(kube.secrets().inNamespace(ns).withName(name).get());
        assertEquals(0, as(KubernetesMockResource.ALICE).cleanupBlueprint(cleanup(ns, "clash")).getRemovedCount());
        assertNotNull(kube.services().inNamespace(ns).withName(name).get(), "cleanup leaves it too");
    }

    @Test
    void refusalsComeBeforeAnythingIsMadeOrRecorded() {
        var alice = as(KubernetesMockResource.ALICE);
        StatusRuntimeException unknown = expect(Status.Code.FAILED_PRECONDITION, () -> alice.deployBlueprintToTarget(
                deploy(target("default").setCluster("no-such-context"), blueprint("web"), "k-unknown-1")));
        assertEquals("KUBERNETES_CONTEXT_UNKNOWN", errorInfo(unknown).getReason());
        assertTrue(unknown.getStatus().getDescription().contains("(it has 2 contexts)"), unknown.getStatus().toString());
        assertTrue(unknown.getStatus().getDescription().contains(KubernetesMockResource.kubeconfig().toString()));
        assertTrue(store.find(ownership.key("alice", "k-unknown-1")).isEmpty(), "nothing recorded");

        StatusRuntimeException syntax = expect(Status.Code.INVALID_ARGUMENT, () -> alice.deployBlueprintToTarget(
                deploy(target("Bad_NS").setCluster("evil\nctx " + "x".repeat(300)), blueprint("web"), "k-bad-1")));
        assertEquals(List.of("target.cluster", "target.namespace"), violatedFields(syntax));
        assertFalse(syntax.getStatus().getDescription().contains("evil"), "the bad name is not echoed");

        StatusRuntimeException scaling = expect(Status.Code.INVALID_ARGUMENT, () -> alice.deployBlueprintToTarget(
                deploy(target("default").setAutoscaling(AutoscalingPolicy.newBuilder().setMinReplicas(5)
                        .setMaxReplicas(2)), blueprint("web").clearResources(), "k-scale-1")));
        assertEquals(List.of("target.autoscaling.max_replicas", "blueprint.resources.cpu",
                "blueprint.resources.memory_gb"), violatedFields(scaling));

        StatusRuntimeException managed = expect(Status.Code.FAILED_PRECONDITION, () -> alice.deployBlueprintToTarget(
                deploy(target("default").setType(DeploymentType.DEPLOYMENT_TYPE_MANAGED_KUBERNETES)
                        .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN), blueprint("web"), "k-managed-1")));
        assertEquals("MANAGED_KUBERNETES_NEEDS_KUBECONFIG", errorInfo(managed).getReason());
        assertTrue(managed.getStatus().getDescription().contains("supply a kubeconfig context"));

        StatusRuntimeException vm = expect(Status.Code.FAILED_PRECONDITION, () -> alice.deployBlueprintToTarget(
                DeployBlueprintToTargetRequest.newBuilder().setTarget(DeploymentTarget.newBuilder()
                        .setType(DeploymentType.DEPLOYMENT_TYPE_VM).setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                        .setInstanceId("123").setAutoscaling(AutoscalingPolicy.newBuilder().setMaxReplicas(3)))
                        .setBlueprint(blueprint("web")).build()));
        assertEquals("AUTOSCALING_NOT_SUPPORTED", errorInfo(vm).getReason());

        expect(Status.Code.NOT_FOUND, () -> alice.healthCheckBlueprint(health("default", "never-deployed")));
        assertEquals(List.of("terminate_instance"), violatedFields(expect(Status.Code.INVALID_ARGUMENT,
                () -> alice.cleanupBlueprint(cleanup("default", "web").toBuilder().setTerminateInstance(true)
                        .build()))));
    }
}

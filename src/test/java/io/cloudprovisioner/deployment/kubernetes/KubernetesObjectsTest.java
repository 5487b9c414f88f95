package io.cloudprovisioner.deployment.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.deployment.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The objects of a deployment as built (no cluster): names, labels, env through the Secret, limits, hardening. */
class KubernetesObjectsTest {
    static Workload workload(String id) {
        TreeMap<String, String> env = new TreeMap<>(Map.of("GREETING", "hé\r\nllo", "TOKEN", "s3cr3t"));
        return new Workload(id, "registry.example:5000/team/web:1.2", env, List.of(new Workload.Port(8080, false, "http"),
                new Workload.Port(9090, false, "metrics"), new Workload.Port(5353, true, "")), List.of("serve", "--x"),
                "/healthz", 0.5, 256);
    }

    static KubernetesObjects objects(Workload w, Autoscaling a, String serviceType) {
        return new KubernetesObjects(new KubernetesObjects.Plan("team-a", KubernetesNames.objectName(w.id(), "req-1"),
                "req-1", "Req_1", w, a, serviceType, true, null, false, "IfNotPresent"));
    }

    @Test
    void theSecretHoldsTheEnvironmentAndTheDeploymentOnlyRefersToIt() {
        Workload w = workload("web");
        KubernetesObjects o = objects(w, null, "ClusterIP");
        String name = KubernetesNames.objectName("web", "req-1");
        assertTrue(name.matches("cp-web-[0-9a-f]{10}"), name);

        Secret s = o.secret();
        assertEquals(name, s.getMetadata().getName());
        assertEquals("team-a", s.getMetadata().getNamespace());
        assertEquals("Opaque", s.getType());
        assertEquals(Boolean.TRUE, s.getImmutable());
        assertEquals("hé\r\nllo", new String(Base64.getDecoder().decode(s.getData().get("GREETING")),
                StandardCharsets.UTF_8), "byte-for-byte");
        assertEquals("s3cr3t", new String(Base64.getDecoder().decode(s.getData().get("TOKEN")), StandardCharsets.UTF_8));

        Deployment d = o.deployment();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example:5000/team/web:1.2", c.getImage());
        assertEquals(List.of("serve", "--x"), c.getArgs(), "the command replaces the image's CMD, as on VMs");
        assertEquals(List.of("GREETING", "TOKEN"), c.getEnv().stream().map(EnvVar::getName).toList());
        for (EnvVar e : c.getEnv()) {
            assertNull(e.getValue(), "no literal value");
            assertEquals(name, e.getValueFrom().getSecretKeyRef().getName());
            assertEquals(e.getName(), e.getValueFrom().getSecretKeyRef().getKey());
        }
        assertFalse(d.toString().contains("s3cr3t"), "the Deployment never holds a value");
        assertEquals(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi")), c.getResources().getLimits());
        assertEquals(c.getResources().getLimits(), c.getResources().getRequests());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals(Boolean.TRUE, c.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", c.getSecurityContext().getSeccompProfile().getType());
        assertEquals(Boolean.FALSE, d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken());
        assertEquals("/healthz", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals(8080, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
        assertEquals(1, d.getSpec().getReplicas());
        assertEquals(Map.of(KubernetesNames.MANAGED_BY, "cloudprovisioner", KubernetesNames.DEPLOYMENT_ID,
                KubernetesNames.deploymentId("req-1")), d.getSpec().getSelector().getMatchLabels());
        assertEquals(d.getMetadata().getLabels(), d.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals("Req_1", d.getMetadata().getLabels().get(KubernetesNames.REQUEST_ID));
        assertEquals("web", d.getMetadata().getLabels().get(KubernetesNames.BLUEPRINT_ID));
        assertEquals(List.of("Secret/" + name, "Deployment/" + name, "Service/" + name), o.objectRefs());
    }

    @Test
    void theServiceHasTheBlueprintsPortsAndTheConfiguredType() {
        Service s = objects(workload("web"), null, "LoadBalancer").service();
        assertEquals("LoadBalancer", s.getSpec().getType());
        assertEquals(List.of("http:8080:TCP", "metrics:9090:TCP", "p5353-udp:5353:UDP"), s.getSpec().getPorts().stream()
                .map((ServicePort p) -> p.getName() + ":" + p.getPort() + ":" + p.getProtocol()).toList());
        assertEquals(KubernetesNames.selector("req-1"), s.getSpec().getSelector());
        Workload none = new Workload("quiet", "busybox", new TreeMap<>(), List.of(), List.of(), "", 0, 0);
        KubernetesObjects o = objects(none, null, "ClusterIP");
        assertNull(o.service(), "no ports, no Service");
        assertNull(o.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getResources());
        assertNull(o.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe());
        KubernetesFailure bad = assertThrows(KubernetesFailure.class, () -> objects(none, null, "Ingress"));
        assertEquals("KUBERNETES_CONFIG", bad.reason());
    }

    @Test
    void theAutoscalerScalesTheDeploymentOnCpuAndMemory() {
        KubernetesObjects o = objects(workload("web"), new Autoscaling(2, 7, 65, 75, 30, 600), "ClusterIP");
        HorizontalPodAutoscaler h = o.autoscaler();
        assertEquals("Deployment", h.getSpec().getScaleTargetRef().getKind());
        assertEquals(o.deployment().getMetadata().getName(), h.getSpec().getScaleTargetRef().getName());
        assertEquals(2, h.getSpec().getMinReplicas());
        assertEquals(7, h.getSpec().getMaxReplicas());
        assertEquals(List.of("cpu:65", "memory:75"), h.getSpec().getMetrics().stream().map(m -> m.getResource()
                .getName() + ":" + m.getResource().getTarget().getAverageUtilization()).toList());
        assertEquals(30, h.getSpec().getBehavior().getScaleUp().getStabilizationWindowSeconds());
        assertEquals(600, h.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds());
        assertEquals(2, o.deployment().getSpec().getReplicas(), "starts at the minimum");
        assertNull(objects(workload("web"), null, "ClusterIP").autoscaler());
    }

    @Test
    void namesAreDns1123LabelsUniquePerDeploymentAndLabelValuesAreSanitized() {
        String longId = "a".repeat(30) + "-" + "b".repeat(32);
        String n = KubernetesNames.objectName(longId, "k1");
        assertTrue(n.length() <= 63 && KubernetesNames.DNS_LABEL.matcher(n).matches(), n);
        assertNotEquals(KubernetesNames.objectName("web", "k1"), KubernetesNames.objectName("web", "k2"));
        assertEquals("abc-def", KubernetesNames.labelValue("-abc/def_"));
        assertEquals(63, KubernetesNames.labelValue("x".repeat(64)).length());
        assertEquals(List.of("http", "p81-tcp", "p82-tcp", "p83-udp"), KubernetesObjects.portNames(List.of(
                new Workload.Port(80, false, "http"), new Workload.Port(81, false, "http"),
                new Workload.Port(82, false, "8082"), new Workload.Port(83, true, "a--b"))));
    }
}

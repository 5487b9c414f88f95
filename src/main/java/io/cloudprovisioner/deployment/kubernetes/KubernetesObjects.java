package io.cloudprovisioner.deployment.kubernetes;

import io.cloudprovisioner.deployment.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The objects of one deployment, built from the validated workload (pure: no cluster is asked): a Secret holding the
 * environment, a Deployment whose container reads every variable from that Secret (no literal values), with the
 * blueprint's resources as requests and limits and a hardened securityContext, a Service for its ports, and a
 * HorizontalPodAutoscaler (autoscaling/v2) when autoscaling is asked for. Every object has the same name and labels.
 */
public final class KubernetesObjects {
    public static final String CONTAINER = "workload";
    public static final Set<String> SERVICE_TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer");
    public static final Set<String> PULL_POLICIES = Set.of("IfNotPresent", "Always", "Never");
    /** IANA service name: what a container or Service port name must be. */
    private static final Pattern IANA_SVC_NAME = Pattern.compile("(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

    /** What the objects are made from. */
    public record Plan(String namespace, String name, String requestKey, String clientRequestId, Workload workload,
            Autoscaling autoscaling, String serviceType, boolean runAsNonRoot, Long runAsUser, boolean readOnlyRoot,
            String pullPolicy) {
    }

    private final Plan plan;
    private final Map<String, String> labels;
    private final Map<String, String> selector;
    private final List<String> portNames;

    public KubernetesObjects(Plan plan) {
        if (!SERVICE_TYPES.contains(plan.serviceType())) {
            throw new KubernetesFailure("KUBERNETES_CONFIG", "cloudprovisioner.kubernetes.service-type is \""
                    + plan.serviceType() + "\"; it must be one of ClusterIP, NodePort, LoadBalancer");
        }
        if (!PULL_POLICIES.contains(plan.pullPolicy())) {
            throw new KubernetesFailure("KUBERNETES_CONFIG", "cloudprovisioner.kubernetes.image-pull-policy is \""
                    + plan.pullPolicy() + "\"; it must be one of IfNotPresent, Always, Never");
        }
        this.plan = plan;
        this.labels = KubernetesNames.labels(plan.workload().id(), plan.requestKey(), plan.clientRequestId());
        this.selector = KubernetesNames.selector(plan.requestKey());
        this.portNames = portNames(plan.workload().ports());
    }

    /** Port names: the blueprint's where Kubernetes accepts it (and it is unique), else p&lt;port&gt;-&lt;tcp|udp&gt;. */
    static List<String> portNames(List<Workload.Port> ports) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Workload.Port p : ports) {
            String n = p.name() != null && IANA_SVC_NAME.matcher(p.name()).matches() && !seen.contains(p.name())
                    ? p.name() : "p" + p.containerPort() + (p.udp() ? "-udp" : "-tcp");
            seen.add(n);
            out.add(n);
        }
        return out;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Map<String, String> selector() {
        return selector;
    }

    public String portName(int i) {
        return portNames.get(i);
    }

    /** The environment, base64 of each value's UTF-8 bytes; immutable (a new deployment makes a new Secret). */
    public Secret secret() {
        Map<String, String> data = new LinkedHashMap<>();
        plan.workload().env().forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(
                v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withName(plan.name()).withNamespace(plan.namespace())
                .withLabels(labels).endMetadata().withType("Opaque").withImmutable(true).withData(data).build();
    }

    public Deployment deployment() {
        Workload w = plan.workload();
        List<EnvVar> env = new ArrayList<>();
        for (String k : w.env().keySet()) {
            env.add(new EnvVarBuilder().withName(k).withNewValueFrom().withNewSecretKeyRef().withName(plan.name())
                    .withKey(k).withOptional(false).endSecretKeyRef().endValueFrom().build());
        }
        List<ContainerPort> ports = new ArrayList<>();
        for (int i = 0; i < w.ports().size(); i++) {
            Workload.Port p = w.ports().get(i);
            ports.add(new ContainerPortBuilder().withName(portNames.get(i)).withContainerPort(p.containerPort())
                    .withProtocol(p.udp() ? "UDP" : "TCP").build());
        }
        Container c = new ContainerBuilder().withName(CONTAINER).withImage(w.image())
                .withImagePullPolicy(plan.pullPolicy()).withArgs(w.command().isEmpty() ? null : w.command())
                .withEnv(env).withPorts(ports).withResources(resources(w)).withReadinessProbe(readiness(w))
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withPrivileged(false)
                .withRunAsNonRoot(plan.runAsNonRoot() ? Boolean.TRUE : null).withRunAsUser(plan.runAsUser())
                .withReadOnlyRootFilesystem(plan.readOnlyRoot()).withNewCapabilities().withDrop("ALL")
                .endCapabilities().withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext().build();
        int replicas = plan.autoscaling() == null ? 1 : plan.autoscaling().minReplicas();
        return new DeploymentBuilder().withNewMetadata().withName(plan.name()).withNamespace(plan.namespace())
                .withLabels(labels).endMetadata().withNewSpec().withReplicas(replicas).withNewSelector()
                .withMatchLabels(selector).endSelector().withNewTemplate().withNewMetadata().withLabels(labels)
                .endMetadata().withNewSpec().withAutomountServiceAccountToken(false).withEnableServiceLinks(false)
                .withContainers(c).endSpec().endTemplate().endSpec().build();
    }

    /** The Service for the blueprint's ports (same port numbers); null without ports. */
    public Service service() {
        Workload w = plan.workload();
        if (w.ports().isEmpty()) {
            return null;
        }
        List<ServicePort> ports = new ArrayList<>();
        for (int i = 0; i < w.ports().size(); i++) {
            Workload.Port p = w.ports().get(i);
            ports.add(new ServicePortBuilder().withName(portNames.get(i)).withPort(p.containerPort())
                    .withTargetPort(new IntOrString(p.containerPort())).withProtocol(p.udp() ? "UDP" : "TCP").build());
        }
        return new ServiceBuilder().withNewMetadata().withName(plan.name()).withNamespace(plan.namespace())
                .withLabels(labels).endMetadata().withNewSpec().withType(plan.serviceType()).withSelector(selector)
                .withPorts(ports).endSpec().build();
    }

    /** The autoscaler of the Deployment (CPU and memory utilisation); null without autoscaling. */
    public HorizontalPodAutoscaler autoscaler() {
        Autoscaling a = plan.autoscaling();
        if (a == null) {
            return null;
        }
        return new HorizontalPodAutoscalerBuilder().withNewMetadata().withName(plan.name())
                .withNamespace(plan.namespace()).withLabels(labels).endMetadata().withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(plan.name())
                .endScaleTargetRef().withMinReplicas(a.minReplicas()).withMaxReplicas(a.maxReplicas())
                .withMetrics(metric("cpu", a.targetCpuPercent()), metric("memory", a.targetMemoryPercent()))
                .withNewBehavior().withNewScaleUp().withStabilizationWindowSeconds(a.scaleUpSeconds()).endScaleUp()
                .withNewScaleDown().withStabilizationWindowSeconds(a.scaleDownSeconds()).endScaleDown().endBehavior()
                .endSpec().build();
    }

    private static MetricSpec metric(String resource, int percent) {
        return new MetricSpecBuilder().withType("Resource").withNewResource().withName(resource).withNewTarget()
                .withType("Utilization").withAverageUtilization(percent).endTarget().endResource().build();
    }

    /** Requests equal to limits: the blueprint's CPU (millicores) and memory (MiB); none when 0. */
    static ResourceRequirements resources(Workload w) {
        Map<String, Quantity> q = new LinkedHashMap<>();
        if (w.cpus() > 0) {
            q.put("cpu", new Quantity(Math.max(1, (long) Math.ceil(w.cpus() * 1000)) + "m"));
        }
        if (w.memoryMib() > 0) {
            q.put("memory", new Quantity(w.memoryMib() + "Mi"));
        }
        return q.isEmpty() ? null : new ResourceRequirementsBuilder().withRequests(q).withLimits(new LinkedHashMap<>(q))
                .build();
    }

    /** Ready when the health path answers (HTTP GET) on the first TCP port, else when that port accepts; none without. */
    private Probe readiness(Workload w) {
        int first = -1;
        for (int i = 0; i < w.ports().size(); i++) {
            if (!w.ports().get(i).udp()) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return null;
        }
        IntOrString port = new IntOrString(w.ports().get(first).containerPort());
        ProbeBuilder b = new ProbeBuilder().withPeriodSeconds(5).withTimeoutSeconds(3).withFailureThreshold(3);
        if (w.healthPath() != null && !w.healthPath().isEmpty()) {
            return b.withNewHttpGet().withPath(w.healthPath()).withPort(port).withScheme("HTTP").endHttpGet().build();
        }
        return b.withNewTcpSocket().withPort(port).endTcpSocket().build();
    }

    /** "Kind/name" of each object, in creation order. */
    public List<String> objectRefs() {
        List<String> out = new ArrayList<>(List.of("Secret/" + plan.name(), "Deployment/" + plan.name()));
        if (!plan.workload().ports().isEmpty()) {
            out.add("Service/" + plan.name());
        }
        if (plan.autoscaling() != null) {
            out.add("HorizontalPodAutoscaler/" + plan.name());
        }
        return out;
    }

}

package io.cloudprovisioner.deployment.kubernetes;

import static io.cloudprovisioner.deployment.Deployer.earliest;
import static io.cloudprovisioner.deployment.Deployer.margin;

import io.cloudprovisioner.deployment.DeploymentRecord;
import io.cloudprovisioner.deployment.Workload;
import io.cloudprovisioner.deployment.health.HealthProbe;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs a workload on a Kubernetes target with the fabric8 client: removes what an interrupted earlier try of the
 * same request may have left, creates the Secret, Deployment, Service and autoscaler, waits (fabric8's
 * waitUntilCondition, bounded by the call's deadline and {@code ready-timeout}) for an available replica, and reads
 * the endpoint from the Service. A deployment that does not become available is deleted again (every object it made).
 * Callers (the gRPC layer) validate, resolve the context and handle idempotency; this class does the cluster work.
 */
@Singleton
public class KubernetesDeployer {
    private static final Logger LOG = Logger.getLogger(KubernetesDeployer.class);

    @Inject
    KubernetesSettings settings;
    @Inject
    KubernetesClusters clusters;
    @Inject
    KubernetesDeploymentStore store;

    /** The objects a deployment is made of (validated configuration included). */
    public KubernetesObjects objects(KubernetesDeploymentRecord r, Workload w, Autoscaling a) {
        return new KubernetesObjects(new KubernetesObjects.Plan(r.namespace(), r.name(), r.requestKey(),
                r.clientRequestId(), w, a, settings.serviceType(), settings.runAsNonRoot(),
                settings.runAsUser().orElse(null), settings.readOnlyRoot(), settings.imagePullPolicy()));
    }

    /**
     * Deploys the workload of a DEPLOYING record (already in the ledger) and leaves the record RUNNING; or throws
     * {@link KubernetesFailure} with nothing of it left in the cluster (the caller records it FAILED).
     */
    public KubernetesDeploymentRecord deploy(KubernetesDeploymentRecord r, Workload w, Autoscaling a,
            Instant deadline) {
        KubernetesObjects o = objects(r, w, a);
        KubernetesClient k = clusters.client(r.context());
        String ns = r.namespace();
        String where = where(r);
        boolean touched = false;
        String step = "removing what an earlier try left";
        try {
            remove(k, r); // an interrupted earlier try of this same request (names and labels are the same)
            touched = true;
            store.objects(r.requestKey(), o.objectRefs());
            step = "creating Secret " + r.name();
            k.secrets().inNamespace(ns).resource(o.secret()).create();
            step = "creating Deployment " + r.name();
            k.apps().deployments().inNamespace(ns).resource(o.deployment()).create();
            Service svc = o.service();
            if (svc != null) {
                step = "creating Service " + r.name();
                k.services().inNamespace(ns).resource(svc).create();
            }
            HorizontalPodAutoscaler hpa = o.autoscaler();
            if (hpa != null) {
                step = "creating HorizontalPodAutoscaler " + r.name();
                k.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).resource(hpa).create();
            }
            step = "waiting for Deployment " + r.name();
            Instant waitStart = Instant.now();
            Instant until = earliest(deadline.minus(margin(deadline)), waitStart.plus(settings.readyTimeout()));
            long ms = Math.max(500, Duration.between(waitStart, until).toMillis());
            try {
                k.apps().deployments().inNamespace(ns).withName(r.name()).waitUntilCondition(
                        d -> available(d) >= 1, ms, TimeUnit.MILLISECONDS);
            } catch (KubernetesClientTimeoutException timeout) {
                Deployment last = k.apps().deployments().inNamespace(ns).withName(r.name()).get();
                throw new KubernetesFailure("NOT_READY", "Deployment " + ns + "/" + r.name() + " in context "
                        + r.context() + " had no available replica within " + Duration.between(waitStart,
                                Instant.now()).toSeconds() + " s; last status: " + status(last) + pods(k, r)
                        + "; its objects were deleted", false, Map.of("deployment", r.name()));
            }
            step = "reading Service " + r.name();
            List<DeploymentRecord.PortMapping> ports = new ArrayList<>();
            String qos = "";
            if (svc != null) {
                Service seen = k.services().inNamespace(ns).withName(r.name()).get();
                if (seen == null) {
                    throw new KubernetesFailure("SERVICE_MISSING", "Service " + ns + "/" + r.name() + " in context "
                            + r.context() + " vanished while the deployment started; its objects were deleted");
                }
                qos = endpoint(seen, w, o, ports);
            }
            store.started(r.requestKey(), ports, qos);
            store.running(r.requestKey());
            LOG.infof("deployed blueprint %s (%s) as %s", w.id(), w.image(), where);
            return store.find(r.requestKey()).orElseThrow();
        } catch (RuntimeException e) {
            if (touched) {
                try {
                    remove(k, r);
                } catch (RuntimeException again) {
                    LOG.warnf("deleting the objects of %s after a failed deployment failed too: %s", where,
                            again.getMessage());
                }
            }
            if (e instanceof KubernetesClientException kce) {
                throw failure(kce, r, step);
            }
            throw e;
        }
    }

    /** HealthCheckBlueprint: the Deployment's status (ready and available replicas). */
    public HealthProbe.Result health(KubernetesDeploymentRecord r) {
        Instant at = Instant.now();
        KubernetesClient k = clusters.client(r.context());
        String what = "Deployment " + r.namespace() + "/" + r.name() + " in context " + r.context();
        Deployment d;
        try {
            d = k.apps().deployments().inNamespace(r.namespace()).withName(r.name()).get();
        } catch (KubernetesClientException e) {
            throw failure(e, r, "reading Deployment " + r.name());
        }
        if (d == null) {
            return new HealthProbe.Result(false, what + ": not found", at);
        }
        if (!KubernetesNames.ours(d.getMetadata().getLabels(), r.requestKey())) {
            return new HealthProbe.Result(false, what + ": exists but does not carry this deployment's labels", at);
        }
        int available = available(d);
        return new HealthProbe.Result(available >= 1, what + ": " + status(d), at);
    }

    /** Deletes exactly the deployment's objects: each by its name, and only when it carries the deployment's labels. */
    public List<String> remove(KubernetesDeploymentRecord r) {
        KubernetesClient k = clusters.client(r.context());
        try {
            return remove(k, r);
        } catch (KubernetesClientException e) {
            throw failure(e, r, "deleting the objects of " + r.name());
        }
    }

    private List<String> remove(KubernetesClient k, KubernetesDeploymentRecord r) {
        String ns = r.namespace();
        List<String> removed = new ArrayList<>();
        String suffix = " " + ns + "/" + r.name() + " (context " + r.context() + ")";
        if (delete(k.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName(r.name()), r)) {
            removed.add("HorizontalPodAutoscaler" + suffix);
        }
        if (delete(k.services().inNamespace(ns).withName(r.name()), r)) {
            removed.add("Service" + suffix);
        }
        if (delete(k.apps().deployments().inNamespace(ns).withName(r.name()), r)) {
            removed.add("Deployment" + suffix);
        }
        if (delete(k.secrets().inNamespace(ns).withName(r.name()), r)) {
            removed.add("Secret" + suffix);
        }
        return removed;
    }

    private static <T extends HasMetadata> boolean delete(Resource<T> res, KubernetesDeploymentRecord r) {
        T o = res.get();
        if (o == null) {
            return false;
        }
        if (!KubernetesNames.ours(o.getMetadata().getLabels(), r.requestKey())) {
            LOG.warnf("%s %s/%s does not carry the labels of deployment %s: left alone", o.getKind(),
                    r.namespace(), r.name(), KubernetesNames.deploymentId(r.requestKey()));
            return false;
        }
        res.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        return true;
    }

    /** The endpoint of the QoS port (named "metrics", else the first) and every port's mapping. */
    static String endpoint(Service svc, Workload w, KubernetesObjects o, List<DeploymentRecord.PortMapping> out) {
        String host = null;
        if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                && svc.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress i : svc.getStatus().getLoadBalancer().getIngress()) {
                host = i.getIp() != null && !i.getIp().isEmpty() ? i.getIp() : i.getHostname();
                if (host != null && !host.isEmpty()) {
                    break;
                }
            }
        }
        String clusterIp = svc.getSpec() == null ? null : svc.getSpec().getClusterIP();
        if ((host == null || host.isEmpty()) && clusterIp != null && !clusterIp.isEmpty()
                && !"None".equals(clusterIp)) {
            host = clusterIp;
        }
        if (host == null || host.isEmpty()) {
            host = svc.getMetadata().getName() + "." + svc.getMetadata().getNamespace() + ".svc";
        }
        List<ServicePort> sp = svc.getSpec() == null || svc.getSpec().getPorts() == null ? List.of()
                : svc.getSpec().getPorts();
        for (int i = 0; i < w.ports().size(); i++) {
            Workload.Port p = w.ports().get(i);
            String name = o.portName(i);
            int port = sp.stream().filter(s -> name.equals(s.getName())).map(ServicePort::getPort).findFirst()
                    .orElse(p.containerPort());
            out.add(new DeploymentRecord.PortMapping(p.containerPort(), port, p.udp() ? "udp" : "tcp", p.name()));
        }
        return io.cloudprovisioner.deployment.Deployer.qosEndpoint(host, w, out);
    }

    static int available(Deployment d) {
        return d == null || d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0
                : d.getStatus().getAvailableReplicas();
    }

    /** The status in words: replicas wanted, updated, ready, available, and the conditions. */
    static String status(Deployment d) {
        if (d == null) {
            return "the Deployment is gone";
        }
        Integer wanted = d.getSpec() == null ? null : d.getSpec().getReplicas();
        DeploymentStatus s = d.getStatus();
        if (s == null) {
            return "wanted " + n(wanted) + " replica(s), no status reported yet (no controller has acted on it)";
        }
        StringBuilder b = new StringBuilder("wanted " + n(wanted) + ", updated " + n(s.getUpdatedReplicas())
                + ", ready " + n(s.getReadyReplicas()) + ", available " + n(s.getAvailableReplicas()));
        if (s.getConditions() != null) {
            for (DeploymentCondition c : s.getConditions()) {
                b.append("; ").append(c.getType()).append('=').append(c.getStatus());
                if (c.getReason() != null) {
                    b.append(" (").append(cut(c.getReason(), 80));
                    if (c.getMessage() != null) {
                        b.append(": ").append(cut(c.getMessage(), 200));
                    }
                    b.append(')');
                }
            }
        }
        return cut(b.toString(), 1000);
    }

    /** Why the first pod's container waits (image pull failures, crash loops), if a pod says so. */
    private static String pods(KubernetesClient k, KubernetesDeploymentRecord r) {
        try {
            List<Pod> pods = k.pods().inNamespace(r.namespace()).withLabels(KubernetesNames.selector(r.requestKey()))
                    .list().getItems();
            for (Pod p : pods) {
                if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
                    continue;
                }
                for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
                    if (c.getState() != null && c.getState().getWaiting() != null) {
                        return "; pod " + p.getMetadata().getName() + ": " + cut(c.getState().getWaiting().getReason()
                                + (c.getState().getWaiting().getMessage() == null ? "" : " ("
                                        + c.getState().getWaiting().getMessage() + ")"), 300);
                    }
                }
            }
            return pods.isEmpty() ? "; no pod" : "";
        } catch (KubernetesClientException e) {
            return "";
        }
    }

    /** A client failure as the caller should see it (the API server's own message, bounded; never a request body). */
    static KubernetesFailure failure(KubernetesClientException e, KubernetesDeploymentRecord r, String step) {
        int code = e.getCode();
        String server = e.getStatus() != null && e.getStatus().getMessage() != null ? cut(e.getStatus().getMessage(),
                400) : null;
        String ctx = " (context " + r.context() + ", namespace " + r.namespace() + ", " + step + ")";
        Map<String, String> meta = Map.of("http_status", Integer.toString(code), "context", r.context());
        if (code == 0 || e.getCause() instanceof IOException || code == 429 || code >= 500) {
            String why = server != null ? server : e.getCause() != null ? e.getCause().getClass().getSimpleName()
                    + (e.getCause().getMessage() == null ? "" : ": " + cut(e.getCause().getMessage(), 200))
                    : "no answer";
            return new KubernetesFailure("KUBERNETES_UNAVAILABLE", "the API server did not do it" + ctx + ": " + why,
                    true, meta);
        }
        String reason = switch (code) {
            case 401 -> "KUBERNETES_UNAUTHORIZED";
            case 403 -> "KUBERNETES_FORBIDDEN";
            case 404 -> "KUBERNETES_NOT_FOUND";
            case 409 -> "KUBERNETES_CONFLICT";
            case 422 -> "KUBERNETES_INVALID";
            default -> "KUBERNETES_REFUSED";
        };
        return new KubernetesFailure(reason, "the API server refused it with HTTP " + code + ctx
                + (server == null ? "" : ": " + server), false, meta);
    }

    private static String where(KubernetesDeploymentRecord r) {
        return r.namespace() + "/" + r.name() + " in context " + r.context();
    }

    private static String n(Integer i) {
        return i == null ? "0" : i.toString();
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max) + "...";
    }

}

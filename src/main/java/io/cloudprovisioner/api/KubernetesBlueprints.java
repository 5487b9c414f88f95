package io.cloudprovisioner.api;

import com.google.protobuf.Timestamp;
import io.cloudprovisioner.api.v1.AutoscalingPolicy;
import io.cloudprovisioner.api.v1.BlueprintDeploymentResult;
import io.cloudprovisioner.api.v1.CleanupBlueprintRequest;
import io.cloudprovisioner.api.v1.CleanupBlueprintResponse;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetResponse;
import io.cloudprovisioner.api.v1.DeploymentTarget;
import io.cloudprovisioner.api.v1.DeploymentType;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintResponse;
import io.cloudprovisioner.api.v1.PortMapping;
import io.cloudprovisioner.api.v1.PortProtocol;
import io.cloudprovisioner.deployment.DeploymentRecord;
import io.cloudprovisioner.deployment.DeploymentState;
import io.cloudprovisioner.deployment.Workload;
import io.cloudprovisioner.deployment.health.HealthProbe;
import io.cloudprovisioner.deployment.kubernetes.Autoscaling;
import io.cloudprovisioner.deployment.kubernetes.KubernetesClusters;
import io.cloudprovisioner.deployment.kubernetes.KubernetesDeployer;
import io.cloudprovisioner.deployment.kubernetes.KubernetesDeploymentRecord;
import io.cloudprovisioner.deployment.kubernetes.KubernetesDeploymentStore;
import io.cloudprovisioner.deployment.kubernetes.KubernetesFailure;
import io.cloudprovisioner.deployment.kubernetes.KubernetesNames;
import io.cloudprovisioner.ledger.Fingerprint;
import io.cloudprovisioner.ledger.LedgerNode;
import io.cloudprovisioner.security.Ownership;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Blueprint RPCs on DEPLOYMENT_TYPE_KUBERNETES targets (a context of the configured kubeconfig, a namespace):
 * validates, handles idempotency and ownership as the VM path does (one client request id is one deployment whichever
 * the kind; another caller's deployment is not found), records the deployment, lets the {@link KubernetesDeployer}
 * do the cluster work, and maps its failures.
 */
@Singleton
class KubernetesBlueprints {
    /** A Secret holds at most 1 MiB, its metadata included. */
    static final int MAX_ENV_BYTES = 1_000_000;

    @Inject
    KubernetesDeployer deployer;
    @Inject
    KubernetesDeploymentStore store;
    @Inject
    KubernetesClusters clusters;
    @Inject
    LedgerNode node;
    @Inject
    Ownership ownership;

    /** A validated Kubernetes target: kubeconfig context and namespace. */
    record Where(String context, String namespace) {
    }

    static Where where(RequestValidator v, boolean hasTarget, DeploymentTarget t) {
        if (!hasTarget) {
            v.add("target", "required");
        }
        String ctx = t.getCluster();
        if (ctx.isEmpty()) {
            v.add("target.cluster", "required: a context name of the service's kubeconfig");
        } else if (!KubernetesClusters.CONTEXT.matcher(ctx).matches()) {
            v.add("target.cluster", "a kubeconfig context name: at most 253 characters of [A-Za-z0-9._:@/+-], "
                    + "starting with a letter or digit");
        }
        String ns = t.getNamespace().isEmpty() ? "default" : t.getNamespace();
        if (!KubernetesNames.DNS_LABEL.matcher(ns).matches()) {
            v.add("target.namespace", "a namespace name: at most 63 characters of [a-z0-9-], starting and ending with "
                    + "a letter or digit");
        }
        if (!t.getInstanceId().isEmpty()) {
            v.add("target.instance_id", "only for DEPLOYMENT_TYPE_VM targets");
        }
        if (t.getProviderValue() != 0) {
            v.add("target.provider", "not used by DEPLOYMENT_TYPE_KUBERNETES targets (the context names the cluster)");
        }
        if (!t.getRegion().isEmpty()) {
            v.add("target.region", "not used by DEPLOYMENT_TYPE_KUBERNETES targets (the context names the cluster)");
        }
        return new Where(ctx, ns);
    }

    /** The autoscaling policy, or null when the target has none. */
    static Autoscaling autoscaling(RequestValidator v, DeploymentTarget t, Workload w) {
        if (!t.hasAutoscaling()) {
            return null;
        }
        AutoscalingPolicy p = t.getAutoscaling();
        String f = "target.autoscaling.";
        int min = v.bounded(p.getMinReplicas(), 1, 1000, 1, f + "min_replicas");
        int max = v.bounded(p.getMaxReplicas(), 1, 1000, 10, f + "max_replicas");
        if (max < min) {
            v.add(f + "max_replicas", "must be at least min_replicas (" + min + "), was " + max);
        }
        int cpu = v.bounded(p.getTargetCpuUtilizationPercent(), 1, 100, 70, f + "target_cpu_utilization_percent");
        int mem = v.bounded(p.getTargetMemoryUtilizationPercent(), 1, 100, 80,
                f + "target_memory_utilization_percent");
        int up = v.bounded(p.getScaleUpCooldownSeconds(), 1, 3600, 60, f + "scale_up_cooldown_seconds");
        int down = v.bounded(p.getScaleDownCooldownSeconds(), 1, 3600, 300, f + "scale_down_cooldown_seconds");
        if (w != null && w.cpus() == 0) {
            v.add("blueprint.resources.cpu", "autoscaling on CPU utilisation needs a CPU request: set it");
        }
        if (w != null && w.memoryMib() == 0) {
            v.add("blueprint.resources.memory_gb", "autoscaling on memory utilisation needs a memory request: set it");
        }
        return new Autoscaling(min, max, cpu, mem, up, down);
    }

    DeployBlueprintToTargetResponse deploy(DeployBlueprintToTargetRequest request, String caller, Instant deadline) {
        DeploymentTarget t = request.getTarget();
        RequestValidator v = new RequestValidator();
        Where at = where(v, request.hasTarget(), t);
        Workload w = BlueprintRequests.workload(v, request.hasBlueprint(), request.getBlueprint(), "blueprint");
        Autoscaling a = autoscaling(v, t, w);
        if (w != null) {
            long bytes = w.env().entrySet().stream().mapToLong(e -> e.getKey().length()
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
            if (bytes > MAX_ENV_BYTES) {
                v.add("blueprint.env", "at most " + MAX_ENV_BYTES + " bytes in all on Kubernetes targets (a Secret's "
                        + "limit), was " + bytes);
            }
        }
        String requestId = ProvisioningGrpcService.requestId(v, request.getClientRequestId(), "client_request_id");
        v.throwIfInvalid();
        // the namespace as resolved, so "" and "default" are one deployment
        DeployBlueprintToTargetRequest canonical = request.toBuilder().clearClientRequestId()
                .setTarget(t.toBuilder().setNamespace(at.namespace())).build();
        String fingerprint = Fingerprint.of(canonical);
        String key = ownership.key(caller, requestId);
        if (store.targetType(key).filter("VM"::equals).isPresent()) {
            throw reused(requestId, "VM");
        }
        KubernetesDeploymentRecord known = store.find(key).orElse(null);
        KubernetesDeploymentRecord record;
        if (known != null) {
            if (!known.fingerprint().equals(fingerprint)) {
                throw reused(requestId, known.state().name());
            }
            switch (known.state()) {
                case RUNNING -> {
                    return response(known, canonical.getTarget(), requestId, true);
                }
                case DEPLOYING -> {
                    if (!BlueprintGrpcService.abandoned(known.updatedAt())
                            || !store.takeOver(key, known.updatedAt(), node.id())) {
                        throw inProgress(known.clientRequestId());
                    }
                    record = store.find(key).orElseThrow();
                }
                case REMOVED -> throw removed(known);
                default -> { // FAILED: try again
                    liveElsewhere(at, w.id(), caller, key);
                    if (!store.retry(key, node.id())) {
                        throw inProgress(known.clientRequestId());
                    }
                    record = store.find(key).orElseThrow();
                }
            }
        } else {
            try {
                clusters.requireContext(at.context()); // nothing is recorded for a context the kubeconfig lacks
            } catch (KubernetesFailure f) {
                throw error(f, at.context());
            }
            liveElsewhere(at, w.id(), caller, key);
            record = new KubernetesDeploymentRecord(key, requestId, fingerprint, caller, w.id(), w.image(),
                    at.context(), at.namespace(), KubernetesNames.objectName(w.id(), key), List.of(), w.envHash(),
                    List.of(), w.healthPath(), null, DeploymentState.DEPLOYING, null, node.id(), Instant.now(),
                    Instant.now());
            if (!store.begin(record)) {
                throw inProgress(requestId);
            }
        }
        try {
            return response(deployer.deploy(record, w, a, deadline), canonical.getTarget(), requestId, false);
        } catch (RuntimeException e) {
            StatusRuntimeException s;
            try {
                s = error(e, at.context());
            } catch (RuntimeException unexpected) {
                store.failed(key, "failed unexpectedly (see the service log)");
                throw unexpected;
            }
            store.failed(key, s.getStatus().getDescription() == null ? "failed" : s.getStatus().getDescription());
            throw s;
        }
    }

    HealthCheckBlueprintResponse health(HealthCheckBlueprintRequest request) {
        KubernetesDeploymentRecord r = deployment(request.hasTarget(), request.getTarget(), request.getBlueprintId(),
                new RequestValidator());
        HealthProbe.Result res;
        switch (r.state()) {
            case RUNNING -> {
                try {
                    res = deployer.health(r);
                } catch (RuntimeException e) {
                    throw error(e, r.context());
                }
            }
            case DEPLOYING -> res = new HealthProbe.Result(false, "blueprint " + r.blueprintId() + " is still being "
                    + "deployed (request " + r.clientRequestId() + ")", Instant.now());
            case FAILED -> res = new HealthProbe.Result(false, "the deployment failed: " + r.detail(), Instant.now());
            default -> throw removed(r);
        }
        return HealthCheckBlueprintResponse.newBuilder().setHealthy(res.healthy()).setDetail(res.detail())
                .setCheckedAt(Timestamp.newBuilder().setSeconds(res.checkedAt().getEpochSecond())
                        .setNanos(res.checkedAt().getNano())).build();
    }

    CleanupBlueprintResponse cleanup(CleanupBlueprintRequest request) {
        RequestValidator v = new RequestValidator();
        String requestId = ProvisioningGrpcService.requestId(v, request.getClientRequestId(), "client_request_id");
        if (request.getTerminateInstance()) {
            v.add("terminate_instance", "only for DEPLOYMENT_TYPE_VM targets");
        }
        KubernetesDeploymentRecord r = deployment(request.hasTarget(), request.getTarget(), request.getBlueprintId(),
                v);
        if (r.state() == DeploymentState.DEPLOYING && !BlueprintGrpcService.abandoned(r.updatedAt())) {
            throw ApiErrors.build(com.google.rpc.Code.ABORTED, "blueprint " + r.blueprintId() + " is being deployed "
                    + "(request " + r.clientRequestId() + "); retry the cleanup when that call ended",
                    "DEPLOYMENT_IN_PROGRESS", Map.of("client_request_id", r.clientRequestId()));
        }
        List<String> removed = List.of();
        if (r.state() != DeploymentState.REMOVED) {
            try {
                removed = deployer.remove(r);
            } catch (RuntimeException e) {
                throw error(e, r.context());
            }
            store.removed(r.requestKey(), r.state());
        }
        return CleanupBlueprintResponse.newBuilder().addAllRemoved(removed).setClientRequestId(requestId).build();
    }

    /** The newest deployment of the blueprint there that the caller may see (its own; every one for an admin). */
    private KubernetesDeploymentRecord deployment(boolean hasTarget, DeploymentTarget t, String blueprintId,
            RequestValidator v) {
        Where at = where(v, hasTarget, t);
        BlueprintRequests.blueprintId(v, blueprintId, "blueprint_id");
        v.throwIfInvalid();
        CallerInterceptor.Caller who = CallerInterceptor.caller();
        // another caller's deployment is not found, exactly like a missing one (no enumeration)
        return store.latest(at.context(), at.namespace(), blueprintId, who.admin() ? null : who.principal())
                .orElseThrow(() -> ApiErrors.notFound("no deployment of blueprint " + blueprintId + " in namespace "
                        + at.namespace() + " of kubeconfig context " + at.context(), "DEPLOYMENT_NOT_FOUND",
                        "blueprint deployment", at.context() + "/" + at.namespace() + "/" + blueprintId,
                        Map.of("blueprint_id", blueprintId)));
    }

    private void liveElsewhere(Where at, String blueprintId, String caller, String key) {
        store.live(at.context(), at.namespace(), blueprintId, caller).filter(d -> !d.requestKey().equals(key))
                .ifPresent(d -> {
                    throw ApiErrors.build(com.google.rpc.Code.ALREADY_EXISTS, "blueprint " + blueprintId + " is "
                            + "already deployed by you in namespace " + at.namespace() + " of context "
                            + at.context() + " (request " + d.clientRequestId() + ", " + d.state()
                            + "); CleanupBlueprint it first", "BLUEPRINT_ALREADY_DEPLOYED", Map.of(
                                    "client_request_id", d.clientRequestId(), "deployment_state", d.state().name()));
                });
    }

    /** A failure of the cluster work as the caller should see it. */
    static StatusRuntimeException error(RuntimeException e, String context) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof KubernetesFailure f) {
            if (f.retryable()) {
                return ApiErrors.build(com.google.rpc.Code.UNAVAILABLE, f.getMessage(), f.reason(), f.metadata(),
                        com.google.protobuf.Any.pack(com.google.rpc.RetryInfo.newBuilder().setRetryDelay(
                                com.google.protobuf.Duration.newBuilder().setSeconds(10)).build()));
            }
            return ApiErrors.failedPrecondition(f.getMessage(), f.reason(), List.of(ApiErrors.precondition(
                    "KUBERNETES", "kubeconfig-context/" + context, f.getMessage())), f.metadata());
        }
        throw e;
    }

    private static StatusRuntimeException reused(String requestId, String state) {
        return ApiErrors.build(com.google.rpc.Code.ALREADY_EXISTS, "client_request_id " + requestId + " was used for "
                + "a different deployment (ids are compared case-insensitively); use a new id",
                "IDEMPOTENCY_KEY_REUSED", Map.of("client_request_id", requestId, "deployment_state", state));
    }

    private static StatusRuntimeException inProgress(String requestId) {
        return ApiErrors.build(com.google.rpc.Code.ABORTED, "client_request_id " + requestId + " is being deployed; "
                + "retry to get its result", "REQUEST_IN_PROGRESS", Map.of("client_request_id", requestId));
    }

    private static StatusRuntimeException removed(KubernetesDeploymentRecord r) {
        return ApiErrors.notFound("the deployment of blueprint " + r.blueprintId() + " by request "
                + r.clientRequestId() + " was removed by CleanupBlueprint; deploy it with a new client_request_id",
                "DEPLOYMENT_REMOVED", "blueprint deployment", r.context() + "/" + r.namespace() + "/"
                        + r.blueprintId(), Map.of("client_request_id", r.clientRequestId()));
    }

    private static DeployBlueprintToTargetResponse response(KubernetesDeploymentRecord r, DeploymentTarget t,
            String requestId, boolean replayed) {
        BlueprintDeploymentResult.Builder b = BlueprintDeploymentResult.newBuilder().setBlueprintId(r.blueprintId())
                .setQosEndpoint(r.qosEndpoint() == null ? "" : r.qosEndpoint())
                .setTarget(t.toBuilder().setType(DeploymentType.DEPLOYMENT_TYPE_KUBERNETES));
        for (DeploymentRecord.PortMapping m : r.ports()) {
            b.addPortMappings(PortMapping.newBuilder().setInternalPort(m.containerPort()).setExternalPort(m.hostPort())
                    .setProtocol(m.protocol().equals("udp") ? PortProtocol.PORT_PROTOCOL_UDP
                            : PortProtocol.PORT_PROTOCOL_TCP));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("kubernetes_context", r.context());
        meta.put("namespace", r.namespace());
        meta.put("deployment_id", KubernetesNames.deploymentId(r.requestKey()));
        for (String o : r.objects()) {
            int slash = o.indexOf('/');
            meta.put(snake(o.substring(0, slash)), o.substring(slash + 1));
        }
        meta.put("image", r.image());
        meta.put("deployment_state", r.state().name());
        if (replayed) {
            meta.put("replayed", "true");
        }
        return DeployBlueprintToTargetResponse.newBuilder().setResult(b.putAllMetadata(meta))
                .setClientRequestId(requestId).build();
    }

    /** "HorizontalPodAutoscaler" -> "horizontal_pod_autoscaler". */
    static String snake(String kind) {
        return kind.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}

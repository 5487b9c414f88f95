package io.cloudprovisioner.api;

import com.google.protobuf.Timestamp;
import io.cloudprovisioner.api.v1.AutoDeployRequest;
import io.cloudprovisioner.api.v1.AutoDeployResponse;
import io.cloudprovisioner.api.v1.BlueprintDeploymentResult;
import io.cloudprovisioner.api.v1.MutinyBlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CleanupBlueprintRequest;
import io.cloudprovisioner.api.v1.CleanupBlueprintResponse;
import io.cloudprovisioner.api.v1.DeployBlueprintRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintResponse;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetResponse;
import io.cloudprovisioner.api.v1.DeploymentTarget;
import io.cloudprovisioner.api.v1.DeploymentType;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintResponse;
import io.cloudprovisioner.api.v1.PortMapping;
import io.cloudprovisioner.api.v1.PortProtocol;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.deployment.Deployer;
import io.cloudprovisioner.deployment.DeploymentFailure;
import io.cloudprovisioner.deployment.DeploymentRecord;
import io.cloudprovisioner.deployment.DeploymentState;
import io.cloudprovisioner.deployment.DeploymentStore;
import io.cloudprovisioner.deployment.Workload;
import io.cloudprovisioner.deployment.health.HealthProbe;
import io.cloudprovisioner.deployment.ssh.HostKeyChangedException;
import io.cloudprovisioner.deployment.ssh.SshException;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.ledger.Fingerprint;
import io.cloudprovisioner.ledger.Ledger;
import io.cloudprovisioner.ledger.LedgerNode;
import io.cloudprovisioner.ledger.LedgerRecord;
import io.cloudprovisioner.ledger.RecordState;
import io.cloudprovisioner.provider.NetworkSettings;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.cloudprovisioner.security.Roles;
import io.quarkus.grpc.GrpcService;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Workload deployment onto existing VM instances created by this service (the ledger knows them): validate, check
 * the instance and the ports it opens, record the deployment, then let the {@link Deployer} do the host work over
 * SSH. Generic Kubernetes targets (a kubeconfig context) go to {@link KubernetesBlueprints}. Managed Kubernetes
 * targets answer FAILED_PRECONDITION (name the cluster's kubeconfig context instead); serverless targets,
 * provisioning from a blueprint and AutoDeploy answer UNIMPLEMENTED.
 */
@GrpcService
public class BlueprintGrpcService extends MutinyBlueprintServiceGrpc.BlueprintServiceImplBase {
    /** Requests are decoded by {@link RequestDecoding} (malformed ones answered INVALID_ARGUMENT). */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.guard(super.bindService());
    }

    /** How long a call without a deadline may take. */
    static final long DEFAULT_DEADLINE_MINUTES = 30;
    /**
     * A DEPLOYING record untouched for this long belongs to a call that ended without recording its outcome (every
     * deploy is bounded well below it: connect, commands and health wait, and the call's deadline).
     */
    static final java.time.Duration ABANDONED_AFTER = java.time.Duration.ofHours(1);

    @Inject
    MutatingCallLimit rateLimiter;
    @Inject
    Deployer deployer;
    @Inject
    DeploymentStore store;
    @Inject
    Ledger ledger;
    @Inject
    LedgerNode node;
    @Inject
    @GrpcService
    ProvisioningGrpcService provisioning;
    @Inject
    CatalogStore catalog;
    @Inject
    ProviderCallExecutor calls;
    @Inject
    NetworkSettings network;
    @Inject
    io.cloudprovisioner.security.Ownership ownership;
    @Inject
    KubernetesBlueprints kubernetes;
    @Inject
    io.cloudprovisioner.deployment.kubernetes.KubernetesDeploymentStore kubernetesStore;

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<DeployBlueprintResponse> deployBlueprint(DeployBlueprintRequest request) {
        Instant deadline = deadline();
        return ApiErrors.unary("DeployBlueprint", () -> {
            rateLimiter.admit(CallerInterceptor.caller(), "DeployBlueprint");
            String caller = CallerInterceptor.current(); // resolved inside unary (the identity is deferred)
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", true);
            instanceRef(v, p, request.getRegion(), request.getInstanceId(), "");
            Workload w = BlueprintRequests.workload(v, request.hasBlueprint(), request.getBlueprint(), "blueprint");
            String requestId = ProvisioningGrpcService.requestId(v, request.getClientRequestId(), "client_request_id");
            v.throwIfInvalid();
            BlueprintDeploymentResult r = deploy(p, request.getRegion(), request.getInstanceId(), w, requestId,
                    Fingerprint.of(request.toBuilder().clearClientRequestId().build()), caller, deadline);
            return DeployBlueprintResponse.newBuilder().setResult(r).setClientRequestId(requestId).build();
        }, calls);
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<DeployBlueprintToTargetResponse> deployBlueprintToTarget(DeployBlueprintToTargetRequest request) {
        Instant deadline = deadline();
        return ApiErrors.unary("DeployBlueprintToTarget", () -> {
            rateLimiter.admit(CallerInterceptor.caller(), "DeployBlueprintToTarget");
            String caller = CallerInterceptor.current(); // resolved inside unary (the identity is deferred)
            DeploymentTarget t = request.getTarget();
            if (t.getType() == DeploymentType.DEPLOYMENT_TYPE_KUBERNETES) {
                return kubernetes.deploy(request, caller, deadline);
            }
            vmOnly("DeployBlueprintToTarget", t);
            if (t.hasAutoscaling()) {
                throw ApiErrors.failedPrecondition("target.autoscaling applies to Kubernetes targets; a VM target runs "
                        + "one container: leave autoscaling unset", "AUTOSCALING_NOT_SUPPORTED", List.of(
                                ApiErrors.precondition("TARGET_TYPE", "target.autoscaling", "only for "
                                        + "DEPLOYMENT_TYPE_KUBERNETES targets")), Map.of());
            }
            if (request.hasTarget() && t.getInstanceId().isEmpty()) {
                throw NotYetBuilt.deploymentTarget("DeployBlueprintToTarget", "provisioning a VM for the blueprint "
                        + "(target.instance_id empty)");
            }
            RequestValidator v = new RequestValidator();
            if (!request.hasTarget()) {
                v.add("target", "required");
            }
            Provider p = v.provider(t.getProvider(), "target.provider", true);
            instanceRef(v, p, t.getRegion(), t.getInstanceId(), "target.");
            Workload w = BlueprintRequests.workload(v, request.hasBlueprint(), request.getBlueprint(), "blueprint");
            String requestId = ProvisioningGrpcService.requestId(v, request.getClientRequestId(), "client_request_id");
            v.throwIfInvalid();
            // the same deployment as DeployBlueprint's, so one id means one deployment whichever RPC carried it
            DeployBlueprintRequest canonical = DeployBlueprintRequest.newBuilder().setProvider(t.getProvider())
                    .setInstanceId(t.getInstanceId()).setRegion(t.getRegion()).setBlueprint(request.getBlueprint())
                    .build();
            BlueprintDeploymentResult r = deploy(p, t.getRegion(), t.getInstanceId(), w, requestId,
                    Fingerprint.of(canonical), caller, deadline);
            return DeployBlueprintToTargetResponse.newBuilder().setResult(r).setClientRequestId(requestId).build();
        }, calls);
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<HealthCheckBlueprintResponse> healthCheckBlueprint(HealthCheckBlueprintRequest request) {
        Instant deadline = deadline();
        return ApiErrors.unary("HealthCheckBlueprint", () -> {
            if (request.getTarget().getType() == DeploymentType.DEPLOYMENT_TYPE_KUBERNETES) {
                return kubernetes.health(request);
            }
            DeploymentRecord r = deployment("HealthCheckBlueprint", request.hasTarget(), request.getTarget(),
                    request.getBlueprintId(), null);
            HealthCheckBlueprintResponse.Builder out = HealthCheckBlueprintResponse.newBuilder();
            HealthProbe.Result res;
            switch (r.state()) {
                case RUNNING -> {
                    try {
                        res = deployer.health(r, deadline);
                    } catch (RuntimeException e) {
                        throw hostError(e);
                    }
                }
                case DEPLOYING -> res = new HealthProbe.Result(false, "blueprint " + r.blueprintId()
                        + " is still being deployed (request " + r.clientRequestId() + ")", Instant.now());
                case FAILED -> res = new HealthProbe.Result(false, "the deployment failed: " + r.detail(),
                        Instant.now());
                default -> throw removed(r);
            }
            return out.setHealthy(res.healthy()).setDetail(res.detail()).setCheckedAt(Timestamp.newBuilder()
                    .setSeconds(res.checkedAt().getEpochSecond()).setNanos(res.checkedAt().getNano())).build();
        }, calls);
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<CleanupBlueprintResponse> cleanupBlueprint(CleanupBlueprintRequest request) {
        Instant deadline = deadline();
        return ApiErrors.unary("CleanupBlueprint", () -> {
            rateLimiter.admit(CallerInterceptor.caller(), "CleanupBlueprint");
            if (request.getTarget().getType() == DeploymentType.DEPLOYMENT_TYPE_KUBERNETES) {
                return kubernetes.cleanup(request);
            }
            RequestValidator idCheck = new RequestValidator();
            String requestId = ProvisioningGrpcService.requestId(idCheck, request.getClientRequestId(),
                    "client_request_id");
            DeploymentRecord r = deployment("CleanupBlueprint", request.hasTarget(), request.getTarget(),
                    request.getBlueprintId(), idCheck);
            List<String> removed = new ArrayList<>();
            if (r.state() == DeploymentState.DEPLOYING && !abandoned(r)) {
                throw ApiErrors.build(com.google.rpc.Code.ABORTED, "blueprint " + r.blueprintId() + " is being "
                        + "deployed (request " + r.clientRequestId() + "); retry the cleanup when that call ended",
                        "DEPLOYMENT_IN_PROGRESS", Map.of("client_request_id", r.clientRequestId()));
            }
            if (r.state() != DeploymentState.REMOVED) {
                LedgerRecord inst = ledger.findByInstance(r.provider(), r.instanceId()).orElse(null);
                boolean gone = inst != null && (inst.state() == RecordState.TERMINATED
                        || inst.state() == RecordState.VANISHED);
                if (!gone) {
                    try {
                        removed.addAll(deployer.remove(r, deadline));
                    } catch (RuntimeException e) {
                        throw hostError(e);
                    }
                }
                store.removed(r.requestKey(), r.state());
            }
            if (request.getTerminateInstance()) {
                TerminateInstanceResponse t = provisioning.terminate(TerminateInstanceRequest.newBuilder()
                        .setProvider(ProtoMapper.toProto(r.provider())).setRegion(r.region())
                        .setInstanceId(r.instanceId()).setClientRequestId(terminationId(requestId, r)).build());
                removed.add("instance " + r.provider().id() + "/" + r.instanceId() + " ("
                        + t.getStatus().name().substring("INSTANCE_STATUS_".length()).toLowerCase(Locale.ROOT) + ")");
            }
            return CleanupBlueprintResponse.newBuilder().addAllRemoved(removed).setClientRequestId(requestId).build();
        }, calls);
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Multi<AutoDeployResponse> autoDeploy(AutoDeployRequest request) {
        return Multi.createFrom().failure(NotYetBuilt.deployment("AutoDeploy"));
    }

    /** Checks provider / region / instance id fields; {@code prefix} is "target." inside a DeploymentTarget. */
    private void instanceRef(RequestValidator v, Provider p, String region, String instanceId, String prefix) {
        if (!region.isEmpty()) {
            v.region(region, prefix + "region", p, catalog.current());
        }
        if (!ProvisioningGrpcService.INSTANCE_ID.matcher(instanceId).matches()) {
            v.add(prefix + "instance_id", instanceId.isEmpty() ? "required" : "must be a provider instance id");
        }
    }

    private static void vmOnly(String method, DeploymentTarget t) {
        if (t.getType() == DeploymentType.DEPLOYMENT_TYPE_MANAGED_KUBERNETES) {
            throw ApiErrors.failedPrecondition(method + ": managed Kubernetes targets (a provider's cluster by name) "
                    + "are not part of this build: supply a kubeconfig context for a DEPLOYMENT_TYPE_KUBERNETES "
                    + "target (add the cluster to the service's kubeconfig and name its context in target.cluster)",
                    "MANAGED_KUBERNETES_NEEDS_KUBECONFIG", List.of(ApiErrors.precondition("TARGET_TYPE", "target.type",
                            "use DEPLOYMENT_TYPE_KUBERNETES with a kubeconfig context")), Map.of("method", method));
        }
        if (t.getType() == DeploymentType.DEPLOYMENT_TYPE_SERVERLESS) {
            throw NotYetBuilt.deploymentTarget(method, "serverless targets");
        }
        if (t.getType() == DeploymentType.UNRECOGNIZED) {
            throw ApiErrors.invalidArgument("target.type", "unknown deployment type");
        }
    }

    /** The instance of the ledger a deployment goes onto: created by this service, RUNNING, with a public IP. */
    private LedgerRecord instance(Provider p, String region, String instanceId) {
        CallerInterceptor.Caller who = CallerInterceptor.caller();
        // another caller's instance is not found, exactly like one the ledger does not have
        LedgerRecord inst = ledger.findByInstance(p, instanceId).filter(r -> ownership.mayTouch(who, r))
                .orElseThrow(() -> ApiErrors.notFound("instance "
                + p.id() + "/" + instanceId + " is not one this service created (the ledger has no record of it): "
                + "blueprints are deployed onto instances made with ProvisionInstance", "INSTANCE_NOT_FOUND",
                "instance", p.id() + "/" + instanceId, Map.of("provider", p.id(), "instance_id", instanceId)));
        if (!region.isEmpty() && inst.region() != null && !region.equals(inst.region())) {
            throw ApiErrors.invalidArgument("region", "instance " + instanceId + " is in region " + inst.region()
                    + ", not " + region + "; name " + inst.region() + " or leave region empty");
        }
        if (inst.state() != RecordState.RUNNING || inst.instanceStatus() != InstanceStatus.RUNNING) {
            throw ApiErrors.failedPrecondition("instance " + p.id() + "/" + instanceId + " is not running (ledger "
                    + "state " + inst.state() + ", last seen " + inst.instanceStatus() + ")", "INSTANCE_NOT_RUNNING",
                    List.of(ApiErrors.precondition("STATE", "instance/" + p.id() + "/" + instanceId,
                            "the instance must be RUNNING")), Map.of("ledger_state", inst.state().name()));
        }
        if (inst.publicIp() == null || inst.publicIp().isEmpty()) {
            throw ApiErrors.failedPrecondition("instance " + p.id() + "/" + instanceId + " has no public IP address "
                    + "to reach it over SSH", "INSTANCE_UNREACHABLE", List.of(ApiErrors.precondition("NETWORK",
                            "instance/" + p.id() + "/" + instanceId, "the instance needs a public IP")), Map.of());
        }
        return inst;
    }

    private BlueprintDeploymentResult deploy(Provider p, String region, String instanceId, Workload w,
            String requestId, String fingerprint, String caller, Instant deadline) {
        LedgerRecord inst = instance(p, region, instanceId);
        List<String> closed = deployer.portsNotOpened(w);
        if (!closed.isEmpty()) {
            throw ApiErrors.failedPrecondition("port(s) " + String.join(", ", closed) + " of blueprint " + w.id()
                    + " are not opened on the instances this service creates: add them (TCP) to "
                    + "cloudprovisioner.network.ingress-ports (now " + network.ingressPorts() + "); per-deployment "
                    + "firewall rules are not part of this build", "PORTS_NOT_OPEN", List.of(ApiErrors.precondition(
                            "NETWORK", "cloudprovisioner.network.ingress-ports", "must contain " + String.join(", ",
                                    closed))), Map.of("ports", String.join(",", closed)));
        }
        String key = ownership.key(caller, requestId); // ids are scoped per principal, as ProvisionInstance's
        if (kubernetesStore.targetType(key).filter("KUBERNETES"::equals).isPresent()) {
            throw ApiErrors.build(com.google.rpc.Code.ALREADY_EXISTS, "client_request_id " + requestId + " was used "
                    + "for a deployment onto a Kubernetes target; use a new id", "IDEMPOTENCY_KEY_REUSED",
                    Map.of("client_request_id", requestId));
        }
        DeploymentRecord known = store.find(key).orElse(null);
        DeploymentRecord record;
        if (known != null) {
            if (!known.fingerprint().equals(fingerprint)) {
                throw ApiErrors.build(com.google.rpc.Code.ALREADY_EXISTS, "client_request_id " + requestId
                        + " was used for a different deployment (ids are compared case-insensitively); use a new id",
                        "IDEMPOTENCY_KEY_REUSED", Map.of("client_request_id", known.clientRequestId(),
                                "deployment_state", known.state().name()));
            }
            switch (known.state()) {
                case RUNNING -> {
                    return result(known, inst, true);
                }
                case DEPLOYING -> {
                    if (!abandoned(known) || !store.takeOver(key, known.updatedAt(), node.id())) {
                        throw inProgress(known);
                    }
                    record = store.find(key).orElseThrow();
                }
                case REMOVED -> throw removed(known);
                default -> { // FAILED: try again
                    liveElsewhere(p, instanceId, w.id(), key);
                    if (!store.retry(key, node.id())) {
                        throw inProgress(known);
                    }
                    record = store.find(key).orElseThrow();
                }
            }
        } else {
            liveElsewhere(p, instanceId, w.id(), key);
            String name = Deployer.containerName(w.id(), key);
            record = new DeploymentRecord(key, requestId, fingerprint, caller, w.id(), w.image(), p, inst.region(),
                    inst.instanceId(), inst.publicIp(), deployer.sshPort(), deployer.loginUser(p), null, name, null,
                    deployer.remoteDir(name), w.envHash(), List.of(), w.healthPath(), null, DeploymentState.DEPLOYING,
                    null, node.id(), Instant.now(), Instant.now());
            if (!store.begin(record)) {
                throw inProgress(store.find(key).orElse(record));
            }
        }
        try {
            return result(deployer.deploy(record, w, deadline), inst, false);
        } catch (RuntimeException e) {
            StatusRuntimeException s;
            try {
                s = hostError(e);
            } catch (RuntimeException unexpected) {
                store.failed(key, "failed unexpectedly (see the service log)");
                throw unexpected;
            }
            store.failed(key, s.getStatus().getDescription() == null ? "failed" : s.getStatus().getDescription());
            throw s;
        }
    }

    private static boolean abandoned(DeploymentRecord r) {
        return abandoned(r.updatedAt());
    }

    static boolean abandoned(Instant updatedAt) {
        return updatedAt.plus(ABANDONED_AFTER).isBefore(Instant.now());
    }

    private void liveElsewhere(Provider p, String instanceId, String blueprintId, String key) {
        store.live(p, instanceId, blueprintId).filter(d -> !d.requestKey().equals(key)).ifPresent(d -> {
            throw ApiErrors.build(com.google.rpc.Code.ALREADY_EXISTS, "blueprint " + blueprintId + " is already "
                    + "deployed on instance " + p.id() + "/" + instanceId + " (request " + d.clientRequestId() + ", "
                    + d.state() + "); CleanupBlueprint it first", "BLUEPRINT_ALREADY_DEPLOYED",
                    Map.of("client_request_id", d.clientRequestId(), "deployment_state", d.state().name()));
        });
    }

    /** The newest deployment of the blueprint on the target's instance (HealthCheck, Cleanup). */
    private DeploymentRecord deployment(String method, boolean hasTarget, DeploymentTarget t, String blueprintId,
            RequestValidator started) {
        vmOnly(method, t);
        RequestValidator v = started != null ? started : new RequestValidator();
        if (!hasTarget) {
            v.add("target", "required");
        }
        Provider p = v.provider(t.getProvider(), "target.provider", true);
        instanceRef(v, p, t.getRegion(), t.getInstanceId(), "target.");
        BlueprintRequests.blueprintId(v, blueprintId, "blueprint_id");
        v.throwIfInvalid();
        CallerInterceptor.Caller who = CallerInterceptor.caller();
        // another caller's deployment is not found, exactly like a missing one (no enumeration); admin sees all
        return store.latest(p, t.getInstanceId(), blueprintId).filter(d -> who.admin()
                || who.principal().equals(d.caller())).orElseThrow(() -> ApiErrors.notFound("no deployment "
                + "of blueprint " + blueprintId + " on instance " + p.id() + "/" + t.getInstanceId(),
                "DEPLOYMENT_NOT_FOUND", "blueprint deployment", p.id() + "/" + t.getInstanceId() + "/" + blueprintId,
                Map.of("blueprint_id", blueprintId)));
    }

    /** A failure of the work on the host, as the caller should see it. */
    private static StatusRuntimeException hostError(RuntimeException e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof HostKeyChangedException h) {
            return ApiErrors.failedPrecondition(h.getMessage(), "HOST_KEY_CHANGED", List.of(ApiErrors.precondition(
                    "HOST_KEY", "ssh_host_key", "the host must present the key pinned on first contact: "
                            + HostKeyChangedException.fingerprint(h.pinned()))), Map.of("presented",
                                    HostKeyChangedException.fingerprint(h.presented())));
        }
        if (e instanceof DeploymentFailure f) {
            return ApiErrors.failedPrecondition(f.getMessage(), f.reason(), List.of(ApiErrors.precondition(
                    "DEPLOYMENT", "host", f.getMessage())), Map.of());
        }
        if (e instanceof SshException s) {
            return ApiErrors.build(com.google.rpc.Code.UNAVAILABLE, s.getMessage(), "SSH_UNAVAILABLE", Map.of(),
                    com.google.protobuf.Any.pack(com.google.rpc.RetryInfo.newBuilder().setRetryDelay(
                            com.google.protobuf.Duration.newBuilder().setSeconds(10)).build()));
        }
        throw e;
    }

    private static StatusRuntimeException inProgress(DeploymentRecord r) {
        return ApiErrors.build(com.google.rpc.Code.ABORTED, "client_request_id " + r.clientRequestId() + " is being "
                + "deployed by " + r.owner() + "; retry to get its result", "REQUEST_IN_PROGRESS",
                Map.of("client_request_id", r.clientRequestId()));
    }

    private static StatusRuntimeException removed(DeploymentRecord r) {
        return ApiErrors.notFound("the deployment of blueprint " + r.blueprintId() + " by request "
                + r.clientRequestId() + " was removed by CleanupBlueprint; deploy it with a new client_request_id",
                "DEPLOYMENT_REMOVED", "blueprint deployment", r.provider().id() + "/" + r.instanceId() + "/"
                        + r.blueprintId(), Map.of("client_request_id", r.clientRequestId()));
    }

    private BlueprintDeploymentResult result(DeploymentRecord r, LedgerRecord inst, boolean replayed) {
        BlueprintDeploymentResult.Builder b = BlueprintDeploymentResult.newBuilder()
                .setInstance(provisioning.toProto(inst)).setBlueprintId(r.blueprintId())
                .setQosEndpoint(r.qosEndpoint() == null ? "" : r.qosEndpoint())
                .setTarget(DeploymentTarget.newBuilder().setType(DeploymentType.DEPLOYMENT_TYPE_VM)
                        .setProvider(ProtoMapper.toProto(r.provider())).setRegion(r.region())
                        .setInstanceId(r.instanceId()));
        for (DeploymentRecord.PortMapping m : r.ports()) {
            b.addPortMappings(PortMapping.newBuilder().setInternalPort(m.containerPort()).setExternalPort(m.hostPort())
                    .setProtocol(m.protocol().equals("udp") ? PortProtocol.PORT_PROTOCOL_UDP
                            : PortProtocol.PORT_PROTOCOL_TCP));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("container_id", r.containerId() == null ? "" : r.containerId());
        meta.put("container_name", r.containerName());
        meta.put("runtime", r.runtime() == null ? "" : r.runtime());
        meta.put("host", r.host());
        meta.put("ssh_port", Integer.toString(r.sshPort()));
        meta.put("ssh_user", r.sshUser());
        meta.put("image", r.image());
        meta.put("deployment_state", r.state().name());
        if (replayed) {
            meta.put("replayed", "true");
        }
        return b.putAllMetadata(meta).build();
    }

    /** The id of the TerminateInstance request a cleanup makes: the same for a repeated cleanup. */
    private static String terminationId(String cleanupId, DeploymentRecord r) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((cleanupId.toLowerCase(Locale.ROOT) + "|"
                    + r.provider().id() + "|" + r.instanceId()).getBytes(StandardCharsets.UTF_8));
            return "cleanup-" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant deadline() {
        Deadline d = Context.current().getDeadline();
        return d == null ? Instant.now().plusSeconds(TimeUnit.MINUTES.toSeconds(DEFAULT_DEADLINE_MINUTES))
                : Instant.now().plusNanos(d.timeRemaining(TimeUnit.NANOSECONDS));
    }
}

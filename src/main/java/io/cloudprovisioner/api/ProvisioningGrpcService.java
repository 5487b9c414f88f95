package io.cloudprovisioner.api;

import com.google.protobuf.Timestamp;
import io.cloudprovisioner.api.v1.GetInstanceDetailsRequest;
import io.cloudprovisioner.api.v1.GetInstanceDetailsResponse;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusResponse;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ListInstancesResponse;
import io.cloudprovisioner.api.v1.ProvisionAttempt;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.MutinyProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.ReconcileFinding;
import io.cloudprovisioner.api.v1.ReconcileFindingKind;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.ledger.Attempt;
import io.cloudprovisioner.ledger.Fingerprint;
import io.cloudprovisioner.ledger.Ledger;
import io.cloudprovisioner.ledger.LedgerNode;
import io.cloudprovisioner.ledger.LedgerRecord;
import io.cloudprovisioner.ledger.RecordState;
import io.cloudprovisioner.ledger.Reconciler;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter;
import io.cloudprovisioner.provider.ProviderAdapters;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.provider.Terminations;
import io.cloudprovisioner.provisioning.ProvisionOrder;
import io.cloudprovisioner.provisioning.ProvisionResult;
import io.cloudprovisioner.provisioning.Provisioner;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.selection.SelectionPreferences;
import io.cloudprovisioner.selection.SelectionSettings;
import io.cloudprovisioner.security.Roles;
import io.quarkus.grpc.GrpcService;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Instance lifecycle. Validates, resolves provider / region / type (selection and mapping when the request leaves
 * them open), checks the provider is configured, then delegates to the provider's adapter on a worker thread.
 * Provider errors arrive classified and leave as canonical gRPC codes with ErrorInfo and RetryInfo.
 */
@GrpcService
public class ProvisioningGrpcService extends MutinyProvisioningServiceGrpc.ProvisioningServiceImplBase {

    /** Requests are decoded by {@link RequestDecoding} (malformed ones answered INVALID_ARGUMENT). */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.guard(super.bindService());
    }
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");
    static final Pattern ZONE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_./:-]{1,256}");

    @Inject
    MutatingCallLimit rateLimiter;
    @Inject
    CatalogStore catalog;
    @Inject
    ProviderCallExecutor calls;
    @Inject
    ProviderRegistry providers;
    @Inject
    ProviderAdapters adapters;
    @Inject
    SelectionSettings settings;
    @Inject
    Ledger ledger;
    @Inject
    LedgerNode node;
    @Inject
    Reconciler reconciler;
    @Inject
    io.cloudprovisioner.security.Ownership ownership;
    @Inject
    io.cloudprovisioner.ledger.CrashPoints crashPoints;
    @Inject
    Provisioner provisioner;

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<ProvisionInstanceResponse> provisionInstance(ProvisionInstanceRequest request) {
        return ApiErrors.unary("ProvisionInstance", () -> {
            rateLimiter.admit(CallerInterceptor.caller(), "ProvisionInstance");
            String caller = CallerInterceptor.current();
            Catalog cat = catalog.current();
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", false);
            String region = null;
            if (p != null || !request.getRegion().isEmpty()) {
                region = v.region(request.getRegion(), "region", p, cat);
            }
            if (!request.getZone().isEmpty() && !ZONE.matcher(request.getZone()).matches()) {
                v.add("zone", "must be a zone id of lower-case letters, digits and '-'");
            }
            String type = request.getInstanceType().isEmpty() ? null
                    : v.instanceType(request.getInstanceType(), "instance_type");
            ResourceSpec spec = request.hasSpec() ? v.spec(request.getSpec(), "spec") : null;
            if (spec == null && type == null && !request.hasSpec()) {
                v.add("spec", "required when instance_type is empty");
            }
            if (p == null && type != null) {
                v.add("provider", "required when instance_type is set");
            }
            labels(v, request.getLabelsMap(), "labels");
            String requestId = requestId(v, request.getClientRequestId(), "client_request_id");
            SelectionPreferences prefs = request.hasPreferences()
                    ? v.preferences(request.getPreferences(), settings.policy(), cat, "preferences")
                    : settings.preferences();
            v.throwIfInvalid();
            ProvisionInstanceRequest canonical = request.toBuilder().clearClientRequestId().build();
            ProvisionResult r = provisioner.provision(new ProvisionOrder(cat, p, region, type, spec, prefs,
                    request.hasPreferences(), request.getZone(), request.getAllowFallback(), request.getLabelsMap(),
                    caller, requestId, Fingerprint.of(canonical), Fingerprint.json(canonical),
                    CallerInterceptor.caller().admin()));
            return toResponse(r);
        }, calls);
    }

    /** The workflow's outcome as ProvisionInstance answers it (a created instance, or an earlier call's replay). */
    ProvisionInstanceResponse toResponse(ProvisionResult r) {
        if (r.isReplay()) {
            return replay(r.replayed());
        }
        // every attempt of the request id, earlier calls' included (e.g. one a crash interrupted)
        ProvisionedInstance.Builder made = toProto(r.created(), r.offer(), r.spot()).toBuilder()
                .setLedgerState(LedgerState.LEDGER_STATE_RUNNING);
        if (!r.requestKey().equals(r.requestId().toLowerCase(Locale.ROOT))) {
            made.setClientRequestId(r.requestId()); // the caller's id, not its scoped key
        }
        return ProvisionInstanceResponse.newBuilder().setInstance(made).setClientRequestId(r.requestId())
                .addAllAttempts(attempts(r.attempts())).build();
    }

    private static List<ProvisionAttempt> attempts(List<Attempt> recorded) {
        List<ProvisionAttempt> out = new ArrayList<>();
        for (Attempt a : recorded) {
            out.add(ProvisionAttempt.newBuilder().setProvider(ProtoMapper.toProto(a.provider()))
                    .setRegion(a.region()).setZone(a.zone()).setInstanceType(a.instanceType())
                    .setErrorClass(a.errorClass() == null ? "INTERRUPTED" : a.errorClass())
                    .setMessage(a.message() == null ? "" : a.message()).build());
        }
        return out;
    }

    private ProvisionInstanceResponse replay(LedgerRecord r) {
        return ProvisionInstanceResponse.newBuilder().setInstance(toProto(r)).setClientRequestId(r.clientRequestId())
                .addAllAttempts(attempts(ledger.attempts(r.requestKey()))).setReplayed(true).build();
    }

    /** A record as the API shows it (price from the catalog, as when it was chosen). */
    ProvisionedInstance toProto(LedgerRecord r) {
        ProvisionedInstance.Builder b = ProvisionedInstance.newBuilder().setLedgerState(ledgerState(r.state()))
                .setClientRequestId(r.clientRequestId()).putAllLabels(ManagedLabels.forRequest(r.requestKey(),
                        r.labels())).setSpot(r.spot());
        if (r.provider() != null) {
            b.setProvider(ProtoMapper.toProto(r.provider()));
        }
        b.setRegion(nz(r.region())).setZone(nz(r.zone())).setInstanceType(nz(r.instanceType()))
                .setId(nz(r.instanceId())).setPublicIp(nz(r.publicIp())).setPrivateIp(nz(r.privateIp()));
        b.setStatus(toProto(r.instanceStatus() == null ? InstanceStatus.UNKNOWN : r.instanceStatus()));
        if (r.instanceCreatedAt() != null) {
            b.setCreatedAt(Timestamp.newBuilder().setSeconds(r.instanceCreatedAt().getEpochSecond())
                    .setNanos(r.instanceCreatedAt().getNano()));
        }
        if (r.provider() != null && r.region() != null && r.instanceType() != null) {
            catalog.current().provider(r.provider()).region(r.region()).map(reg -> reg.offer(r.instanceType()))
                    .map(o -> o.effectivePrice(r.spot())).ifPresent(price -> b.setHourlyPrice(
                            ProtoMapper.toProto(price)));
        }
        return b.build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static LedgerState ledgerState(RecordState s) {
        return LedgerState.valueOf("LEDGER_STATE_" + s.name());
    }

    private ProviderAdapter adapterFor(Provider p) {
        return provisioner.adapter(p);
    }

    static void labels(RequestValidator v, Map<String, String> labels, String field) {
        if (labels.size() > 32) {
            v.add(field, "at most 32 labels");
            return;
        }
        new java.util.TreeMap<>(labels).forEach((k, val) -> {
            if (!LABEL_KEY.matcher(k).matches()) {
                v.add(field + "[" + ApiErrors.cut(k, 64) + "]",
                        "keys: lower-case letter first, then lower-case letters, digits, '_', '-', at most 63");
            } else if (k.equals(ManagedLabels.MANAGED_BY) || k.equals(ManagedLabels.REQUEST_ID)) {
                v.add(field + "[" + k + "]", "reserved for this service's own labels");
            } else if (!LABEL_VALUE.matcher(val).matches()) {
                v.add(field + "[" + k + "]", "values: lower-case letters, digits, '_', '-', at most 63");
            }
        });
    }

    static String requestId(RequestValidator v, String id, String field) {
        if (id.isEmpty()) {
            return UUID.randomUUID().toString();
        }
        if (!REQUEST_ID.matcher(id).matches()) {
            v.add(field, "at most 64 characters of letters, digits, '-', '_'");
        }
        return id;
    }

    private static ProvisionedInstance toProto(Instance i, Offer offer, boolean spot) {
        ProvisionedInstance.Builder b = ProvisionedInstance.newBuilder().setId(i.id())
                .setProvider(ProtoMapper.toProto(i.provider())).setInstanceType(i.instanceType()).setRegion(i.region())
                .setZone(i.zone()).setPublicIp(i.publicIp()).setPrivateIp(i.privateIp())
                .setStatus(toProto(i.status())).putAllLabels(i.labels()).setSpot(i.spot())
                .setClientRequestId(i.clientRequestId());
        if (i.createdAt() != null) {
            b.setCreatedAt(Timestamp.newBuilder().setSeconds(i.createdAt().getEpochSecond())
                    .setNanos(i.createdAt().getNano()));
        }
        if (offer != null && offer.effectivePrice(spot || i.spot()) != null) {
            b.setHourlyPrice(ProtoMapper.toProto(offer.effectivePrice(spot || i.spot())));
        }
        return b.build();
    }

    static io.cloudprovisioner.api.v1.InstanceStatus toProto(InstanceStatus s) {
        return io.cloudprovisioner.api.v1.InstanceStatus.valueOf("INSTANCE_STATUS_" + s.name());
    }

    private record InstanceRef(Provider provider, String region, String id) {
    }

    private InstanceRef target(io.cloudprovisioner.api.v1.CloudProvider provider, String region, String id) {
        RequestValidator v = new RequestValidator();
        Provider p = v.provider(provider, "provider", true);
        if (!region.isEmpty()) {
            v.region(region, "region", p, catalog.current());
        } else if (p != null && providers.descriptor(p).regionalInstanceIds()) {
            v.add("region", "required for " + p.id() + " (its instance ids are regional)");
        }
        if (!INSTANCE_ID.matcher(id).matches()) {
            v.add("instance_id", id.isEmpty() ? "required" : "must be a provider instance id");
        }
        v.throwIfInvalid();
        return new InstanceRef(p, region, id);
    }

    private <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (ProviderException e) {
            throw ProviderErrors.toStatus(e);
        }
    }

    /**
     * Terminates one instance, telling the truth about it. In order, each refusal before the id is reserved: the
     * request's form (INVALID_ARGUMENT), an id used before (replayed, or ALREADY_EXISTS for another request), the
     * provider's configuration (FAILED_PRECONDITION), where the instance is (the ledger's region for an instance of
     * the ledger, a region other than that INVALID_ARGUMENT; else the cloud asked in the named region, NOT_FOUND when
     * it has no such instance there). Only then is the id reserved, the record marked TERMINATING and the delete
     * asked for; the record ends TERMINATED when the cloud confirms, else stays TERMINATING for the reconcile.
     */
    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<TerminateInstanceResponse> terminateInstance(TerminateInstanceRequest request) {
        return ApiErrors.unary("TerminateInstance", () -> {
            rateLimiter.admit(CallerInterceptor.caller(), "TerminateInstance");
            return terminate(request);
        }, calls);
    }

    /** The TerminateInstance workflow on the calling thread (CleanupBlueprint's terminate_instance uses it too). */
    TerminateInstanceResponse terminate(TerminateInstanceRequest request) {
        return terminateWork(request).get();
    }

    private Supplier<TerminateInstanceResponse> terminateWork(TerminateInstanceRequest request) {
        return () -> {
            CallerInterceptor.Caller who = CallerInterceptor.caller();
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", true);
            String asked = request.getRegion();
            if (!asked.isEmpty()) {
                v.region(asked, "region", p, catalog.current());
            }
            String id = request.getInstanceId();
            if (!INSTANCE_ID.matcher(id).matches()) {
                v.add("instance_id", id.isEmpty() ? "required" : "must be a provider instance id");
            }
            String requestId = requestId(v, request.getClientRequestId(), "client_request_id");
            v.throwIfInvalid();
            String termKey = ownership.key(who.principal(), requestId); // ids are scoped per principal
            String fingerprint = Fingerprint.of(request.toBuilder().clearClientRequestId().build());
            Ledger.Termination used = ledger.findTermination(termKey).orElse(null);
            if (used != null) {
                sameTermination(used, fingerprint, requestId);
                if (InstanceStatus.TERMINATED.name().equals(used.status())) {
                    return terminated(requestId, used.provider(), used.region(), used.instanceId());
                }
            }
            owned(who, p, id);
            ProviderAdapter a = adapterFor(p);

            // Where the instance is: the ledger says for its own instances; the cloud is asked for any other id.
            LedgerRecord r = ledger.findByInstance(p, id).orElse(null);
            String region;
            Instance described = null;
            if (r != null) {
                region = sameRegion(asked, r.region(), id, "the ledger's record of it");
            } else {
                Ledger.Termination before = ledger.terminated(p, id).orElse(null);
                if (before != null && (asked.isEmpty() || asked.equals(before.region()))) {
                    // terminated through this service before, under another id: nothing is left to delete
                    return reserveTerminated(termKey, fingerprint, requestId, p, before.region(), id, who);
                }
                if (asked.isEmpty() && providers.descriptor(p).regionalInstanceIds()) {
                    throw ApiErrors.invalidArgument("region", "required for " + p.id() + " (its instance ids are "
                            + "regional) unless the ledger has the instance");
                }
                described = call(() -> a.describe(asked, id));
                region = sameRegion(asked, described.region(), id, p.displayName());
                r = ledger.findByInstance(p, described.id()).orElse(null);
                if (r != null) {
                    region = sameRegion(asked, r.region(), id, "the ledger's record of it");
                }
            }
            String instanceId = r != null ? r.instanceId() : id;
            if ((r != null && (r.state() == RecordState.TERMINATED || r.state() == RecordState.VANISHED))
                    || (described != null && described.status() == InstanceStatus.TERMINATED)) {
                if (r != null && r.state() != RecordState.TERMINATED && r.state() != RecordState.VANISHED) {
                    ledger.ended(r.requestKey(), RecordState.TERMINATED, InstanceStatus.TERMINATED);
                }
                return reserveTerminated(termKey, fingerprint, requestId, p, region, instanceId, who);
            }

            Ledger.Termination term = ledger.beginTermination(new Ledger.Termination(termKey, fingerprint, p, region,
                    instanceId, null), who.principal());
            sameTermination(term, fingerprint, requestId);
            LedgerRecord rec = r;
            boolean tracked = rec != null && node.track(rec.requestKey()) != null;
            try {
                boolean marked = tracked && ledger.terminating(rec.requestKey(), node.id(), node::ownerGone);
                Terminations.Outcome o;
                try {
                    o = Terminations.terminate(a, region, instanceId);
                } catch (ProviderException e) {
                    if (e.errorClass() == ErrorClass.INVALID_REQUEST || e.errorClass() == ErrorClass.AUTH) {
                        // refused by the cloud before anything happened: the id and the record are as before
                        ledger.releaseTermination(termKey);
                        if (marked && rec.state() == RecordState.RUNNING) {
                            ledger.terminationRefused(rec.requestKey(), node.id());
                        }
                    }
                    throw ProviderErrors.toStatus(e);
                }
                crashPoints.reached("after-terminate");
                InstanceStatus seen = o.confirmed() ? InstanceStatus.TERMINATED : o.seen().status();
                if (rec != null) {
                    ledger.terminationSeen(rec.requestKey(), seen);
                }
                InstanceStatus answered = o.confirmed() ? InstanceStatus.TERMINATED : InstanceStatus.STOPPING;
                ledger.terminationDone(termKey, answered);
                TerminateInstanceResponse.Builder out = TerminateInstanceResponse.newBuilder()
                        .setStatus(toProto(answered)).setClientRequestId(requestId).setRegion(region)
                        .setProviderStatus(o.seen().providerStatus());
                if (rec != null) {
                    out.setLedgerState(ledgerState(o.confirmed() ? RecordState.TERMINATED : RecordState.TERMINATING));
                }
                return out.build();
            } finally {
                if (tracked) {
                    node.release(rec.requestKey());
                }
            }
        };
    }

    /** The region the instance is in ({@code where} says so); INVALID_ARGUMENT when the request named another. */
    private static String sameRegion(String asked, String actual, String id, String where) {
        if (!asked.isEmpty() && actual != null && !actual.isEmpty() && !asked.equals(actual)) {
            throw ApiErrors.invalidArgument("region", "instance " + id + " is in region " + actual + " (per " + where
                    + "), not " + asked + "; name " + actual + " or leave region empty");
        }
        return actual == null || actual.isEmpty() ? asked : actual;
    }

    /**
     * NOT_FOUND unless the caller owns the ledger's record of the instance (an admin may touch any instance). The
     * same answer for another caller's instance as for one that does not exist, so ids cannot be probed.
     */
    private void owned(CallerInterceptor.Caller who, Provider p, String instanceId) {
        if (who.admin()) {
            return;
        }
        if (ledger.findByInstance(p, instanceId).filter(r -> ownership.mayTouch(who, r)).isEmpty()) {
            throw ApiErrors.notFound("no instance " + instanceId + " of yours on " + p.id(), "INSTANCE_NOT_FOUND",
                    "instance", p.id() + "/" + instanceId, Map.of("provider", p.id(), "instance_id", instanceId));
        }
    }

    /** ALREADY_EXISTS when the id was used for another TerminateInstance request. */
    private static void sameTermination(Ledger.Termination t, String fingerprint, String requestId) {
        if (!t.fingerprint().equals(fingerprint)) {
            throw ApiErrors.build(com.google.rpc.Code.ALREADY_EXISTS, "client_request_id " + requestId
                    + " was used to terminate " + t.provider().id() + "/" + t.instanceId() + "; use a new id",
                    "IDEMPOTENCY_KEY_REUSED", Map.of("client_request_id", requestId, "instance_id", t.instanceId()));
        }
    }

    /** Records the id for an instance that is already terminated (no delete needed) and answers TERMINATED. */
    private TerminateInstanceResponse reserveTerminated(String termKey, String fingerprint, String requestId,
            Provider p, String region, String instanceId, CallerInterceptor.Caller who) {
        Ledger.Termination t = ledger.beginTermination(new Ledger.Termination(termKey, fingerprint, p, region,
                instanceId, null), who.principal());
        sameTermination(t, fingerprint, requestId);
        ledger.terminationDone(termKey, InstanceStatus.TERMINATED);
        return terminated(requestId, p, region, instanceId);
    }

    private TerminateInstanceResponse terminated(String requestId, Provider p, String region, String instanceId) {
        TerminateInstanceResponse.Builder out = TerminateInstanceResponse.newBuilder()
                .setStatus(toProto(InstanceStatus.TERMINATED)).setClientRequestId(requestId).setRegion(region);
        ledger.findByInstance(p, instanceId).ifPresent(r -> out.setLedgerState(ledgerState(r.state())));
        return out.build();
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<GetInstanceStatusResponse> getInstanceStatus(GetInstanceStatusRequest request) {
        return ApiErrors.unary("GetInstanceStatus", () -> {
            InstanceRef t = target(request.getProvider(), request.getRegion(), request.getInstanceId());
            owned(CallerInterceptor.caller(), t.provider(), t.id());
            ProviderAdapter a = adapterFor(t.provider());
            Instance i = call(() -> a.describe(t.region(), t.id()));
            return GetInstanceStatusResponse.newBuilder().setStatus(toProto(i.status()))
                    .setProviderStatus(i.providerStatus()).build();
        }, calls);
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<GetInstanceDetailsResponse> getInstanceDetails(GetInstanceDetailsRequest request) {
        return ApiErrors.unary("GetInstanceDetails", () -> {
            InstanceRef t = target(request.getProvider(), request.getRegion(), request.getInstanceId());
            owned(CallerInterceptor.caller(), t.provider(), t.id());
            ProviderAdapter a = adapterFor(t.provider());
            LedgerRecord r = ledger.findByInstance(t.provider(), t.id()).orElse(null);
            Instance i;
            try {
                i = a.describe(t.region(), t.id());
            } catch (ProviderException e) {
                if (e.errorClass() == ErrorClass.NOT_FOUND && r != null && r.state() == RecordState.RUNNING) {
                    ledger.ended(r.requestKey(), RecordState.VANISHED, InstanceStatus.TERMINATED);
                }
                throw ProviderErrors.toStatus(e, r == null ? Map.of() : Map.of("ledger_state",
                        r.state() == RecordState.RUNNING && e.errorClass() == ErrorClass.NOT_FOUND
                                ? RecordState.VANISHED.name() : r.state().name()));
            }
            if (r != null) {
                ledger.observed(r.requestKey(), i);
            }
            Offer offer = catalog.current().provider(t.provider()).region(i.region())
                    .map(reg -> reg.offer(i.instanceType())).orElse(null);
            ProvisionedInstance.Builder b = toProto(i, offer, i.spot()).toBuilder();
            if (r != null) {
                b.setLedgerState(ledgerState(r.state()));
            }
            return GetInstanceDetailsResponse.newBuilder().setInstance(b).build();
        }, calls);
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<ListInstancesResponse> listInstances(ListInstancesRequest request) {
        return ApiErrors.unary("ListInstances", () -> {
            CallerInterceptor.Caller who = CallerInterceptor.caller();
            RequestValidator v = new RequestValidator();
            Provider only = v.provider(request.getProvider(), "provider", false);
            int pageSize = v.bounded(request.getPageSize(), 1, 1000, 100, "page_size");
            int offset = 0;
            if (!request.getPageToken().isEmpty()) {
                try {
                    offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(request.getPageToken()),
                            StandardCharsets.UTF_8).substring(3));
                } catch (RuntimeException e) {
                    v.add("page_token", "not a token from a previous response");
                }
            }
            v.throwIfInvalid();
            if (only != null && adapters.adapter(only).isPresent() && !providers.credentials(only).configured()) {
                adapterFor(only);
            }
            // The ledger's records, refreshed from each configured provider's own listing; managed instances
            // the ledger has no live record of (orphans, or made before the ledger) are listed too.
            List<ProvisionedInstance> all = new ArrayList<>();
            List<LedgerRecord> records = new ArrayList<>();
            for (int from = 0;; from += 1000) {
                // an admin sees every caller's records, anyone else only their own
                List<LedgerRecord> page = ledger.list(only, request.getIncludeEnded(),
                        who.admin() ? null : who.principal(), from, 1000);
                records.addAll(page);
                if (page.size() < 1000) {
                    break;
                }
            }
            java.util.Set<Provider> refreshed = java.util.EnumSet.noneOf(Provider.class);
            for (Provider p : Provider.values()) {
                if ((only != null && p != only) || adapters.adapter(p).isEmpty()
                        || !providers.credentials(p).configured()) {
                    continue;
                }
                refreshed.add(p);
                Map<String, Instance> live = call(() -> reconciler.liveInstances(p));
                java.util.Set<String> recorded = new java.util.HashSet<>();
                for (LedgerRecord r : records) {
                    if (r.provider() != p || !r.hasInstance()) {
                        continue;
                    }
                    recorded.add(r.instanceId());
                    Instance i = live.get(r.instanceId());
                    ProvisionedInstance.Builder b = toProto(r).toBuilder();
                    if (i != null) {
                        if (i.status() != r.instanceStatus() || !i.publicIp().equals(nz(r.publicIp()))
                                || !i.privateIp().equals(nz(r.privateIp()))) {
                            ledger.observed(r.requestKey(), i);
                        }
                        b.setStatus(toProto(i.status())).setPublicIp(i.publicIp()).setPrivateIp(i.privateIp())
                                .putAllLabels(i.labels());
                    } else if (!r.state().isFinal() && gone(p, r)) {
                        // the cloud no longer has it: VANISHED (or TERMINATED when a termination was under way)
                        RecordState ended = r.state() == RecordState.TERMINATING ? RecordState.TERMINATED
                                : RecordState.VANISHED;
                        ledger.ended(r.requestKey(), ended, InstanceStatus.TERMINATED);
                        if (!request.getIncludeEnded()) {
                            continue;
                        }
                        b.setLedgerState(ledgerState(ended)).setStatus(toProto(InstanceStatus.TERMINATED));
                    }
                    all.add(b.build());
                }
                for (Instance i : live.values()) {
                    // instances without a live record of the caller's: only an admin sees them (orphans)
                    if (who.admin() && !recorded.contains(i.id())) {
                        Offer offer = catalog.current().provider(i.provider()).region(i.region())
                                .map(reg -> reg.offer(i.instanceType())).orElse(null);
                        all.add(toProto(i, offer, i.spot()));
                    }
                }
            }
            for (LedgerRecord r : records) {
                // records of providers not asked now, and records without an instance (e.g. FAILED), as recorded
                if (!(r.hasInstance() && refreshed.contains(r.provider()))) {
                    all.add(toProto(r));
                }
            }
            List<ProvisionedInstance> selected = all.stream().filter(i -> i.getLabelsMap().entrySet()
                    .containsAll(request.getLabelSelectorMap().entrySet()))
                    .sorted(Comparator.comparing((ProvisionedInstance i) -> i.getProvider().getNumber())
                            .thenComparing(ProvisionedInstance::getRegion).thenComparing(ProvisionedInstance::getId)
                            .thenComparing(ProvisionedInstance::getClientRequestId))
                    .toList();
            ListInstancesResponse.Builder out = ListInstancesResponse.newBuilder();
            int end = Math.min(selected.size(), offset + pageSize);
            for (int i = offset; i < end; i++) {
                out.addInstances(selected.get(i));
            }
            if (end < selected.size()) {
                out.setNextPageToken(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(("v1:" + end).getBytes(StandardCharsets.UTF_8)));
            }
            return out.build();
        }, calls);
    }

    /** Whether the cloud confirms a record's instance is gone (NOT_FOUND or TERMINATED); false when unsure. */
    private boolean gone(Provider p, LedgerRecord r) {
        try {
            return adapterFor(p).describe(r.region(), r.instanceId()).status() == InstanceStatus.TERMINATED;
        } catch (ProviderException e) {
            return e.errorClass() == ErrorClass.NOT_FOUND;
        }
    }

    /** The longest orphan grace a Reconcile call may ask for. */
    static final java.time.Duration MAX_RECONCILE_GRACE = java.time.Duration.ofDays(3650);

    @Override
    @RolesAllowed(Roles.ADMIN)
    public Uni<ReconcileResponse> reconcile(ReconcileRequest request) {
        return ApiErrors.unary("Reconcile", () -> {
            rateLimiter.admit(CallerInterceptor.caller(), "Reconcile");
            RequestValidator v = new RequestValidator();
            Provider only = v.provider(request.getProvider(), "provider", false);
            java.time.Duration grace = request.hasGrace()
                    ? v.duration(request.getGrace(), "grace", MAX_RECONCILE_GRACE) : null;
            v.throwIfInvalid();
            if (only != null) {
                adapterFor(only);
            }
            Reconciler.Options defaults = reconciler.defaults(only == null
                    ? java.util.EnumSet.allOf(Provider.class) : java.util.EnumSet.of(only));
            Reconciler.Report r = reconciler.reconcile(new Reconciler.Options(defaults.providers(),
                    request.getDryRun(), request.hasTerminateOrphans() ? request.getTerminateOrphans()
                            : defaults.terminateOrphans(), grace == null ? defaults.grace() : grace));
            ReconcileResponse.Builder out = ReconcileResponse.newBuilder().setRan(r.ran())
                    .setLeaseHolder(nz(r.leaseHolder())).setInstancesSeen(r.instancesSeen())
                    .setRecordsChecked(r.recordsChecked());
            for (Reconciler.Finding f : r.findings()) {
                ReconcileFinding.Builder b = ReconcileFinding.newBuilder()
                        .setKind(ReconcileFindingKind.valueOf("RECONCILE_FINDING_KIND_" + f.kind().name()))
                        .setRegion(nz(f.region())).setInstanceId(nz(f.instanceId()))
                        .setClientRequestId(nz(f.clientRequestId())).setDetail(nz(f.detail())).setApplied(f.applied());
                if (f.provider() != null) {
                    b.setProvider(ProtoMapper.toProto(f.provider()));
                }
                out.addFindings(b);
            }
            r.providerErrors().forEach((p, e) -> out.putProviderErrors(p.id(), e));
            return out.build();
        }, calls);
    }
}

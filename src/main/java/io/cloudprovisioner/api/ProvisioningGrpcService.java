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
import io.cloudprovisioner.api.v1.ProvisioningService;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Constraint;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.catalog.InstanceTypeMapper;
import io.cloudprovisioner.catalog.MappingResult;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter;
import io.cloudprovisioner.provider.ProviderAdapters;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.provider.ProvisionRequest;
import io.cloudprovisioner.selection.Candidate;
import io.cloudprovisioner.selection.FailedOfferings;
import io.cloudprovisioner.provider.ErrorClass;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.cloudprovisioner.selection.ProviderSelector;
import io.cloudprovisioner.selection.SelectionPreferences;
import io.cloudprovisioner.selection.SelectionResult;
import io.cloudprovisioner.selection.SelectionSettings;
import io.quarkus.grpc.GrpcService;
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
public class ProvisioningGrpcService implements ProvisioningService {
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    static final Pattern LABEL_VALUE = Pattern.compile("[a-z0-9_-]{0,63}");
    static final Pattern ZONE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_./:-]{1,256}");
    /** An explicitly named type is checked against the spec's needs only, not against family or cost policy. */
    static final MappingPolicy EXPLICIT_TYPE_POLICY = MappingPolicy.DEFAULT.combine(null, null, true, 0, true, 0);

    @Inject
    CatalogStore catalog;
    @Inject
    ProviderCallExecutor calls;
    @Inject
    ProviderRegistry providers;
    @Inject
    ProviderAdapters adapters;
    @Inject
    ProviderSelector selector;
    @Inject
    SelectionSettings settings;
    @Inject
    FailedOfferings failedOfferings;
    @Inject
    @ConfigProperty(name = "cloudprovisioner.failover.max-attempts", defaultValue = "6")
    int maxAttempts;

    /** Candidates considered for failover after the first choice. */
    static final int MAX_FALLBACK_CANDIDATES = 50;

    @Override
    public Uni<ProvisionInstanceResponse> provisionInstance(ProvisionInstanceRequest request) {
        return ApiErrors.unary("ProvisionInstance", () -> {
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

            List<ProvisionAttempt> attempts = new ArrayList<>();
            Offer offer = null;
            if (p == null) {
                SelectionResult r = selector.select(spec, prefs, 1, request.hasPreferences() ? "request"
                        : settings.preferencesSource());
                if (r.candidates().isEmpty()) {
                    throw ApiErrors.failedPrecondition("no configured provider has an offer that satisfies the spec; "
                            + "see SelectProvider for every rejection", "NO_CANDIDATE",
                            List.of(ApiErrors.precondition("CREDENTIALS", "providers",
                                    "configure at least one provider that can satisfy the spec")), Map.of());
                }
                Candidate c = r.candidates().get(0);
                offer = c.offer();
                p = offer.type().provider();
                region = offer.region();
            }
            boolean tee = spec != null && spec.requireTee();
            if (tee && !cat.provider(p).hasTee()) {
                throw ApiErrors.failedPrecondition(p.displayName() + " offers no confidential-computing instance type",
                        "TEE_UNSUPPORTED", List.of(ApiErrors.precondition("TEE", "provider/" + p.id(),
                                "require_tee needs AWS, GCP or Azure")), Map.of("provider", p.id()));
            }
            if (offer == null && type == null) {
                offer = mapOrThrow(cat, p, region, spec);
            } else if (offer == null) {
                offer = cat.provider(p).regions().get(region).offer(type);
                Constraint failed = offer == null || spec == null ? null
                        : InstanceTypeMapper.check(offer, spec.withSpot(false), EXPLICIT_TYPE_POLICY, false);
                if (failed != null && failed != Constraint.PRICE_UNKNOWN && failed != Constraint.RETIRED) {
                    throw ApiErrors.invalidArgument("instance_type", type + " does not satisfy the spec ("
                            + failed.name().toLowerCase(Locale.ROOT) + ")");
                }
            }
            String typeName = offer != null ? offer.type().name() : type;
            int storage = spec == null ? (int) RequestValidator.DEFAULT_STORAGE_GB : (int) Math.ceil(spec.storageGb());
            List<Target> plan = new ArrayList<>();
            plan.add(new Target(p, region, typeName, offer, request.getZone()));
            if (request.getAllowFallback() && spec != null) {
                // zone: the adapters try the region's zones; then region and provider: the next cheapest candidates
                for (Candidate c : selector.select(spec, prefs, MAX_FALLBACK_CANDIDATES, "fallback").candidates()) {
                    Target t = new Target(c.offer().type().provider(), c.offer().region(), c.offer().type().name(),
                            c.offer(), "");
                    if (plan.stream().noneMatch(x -> x.sameOffering(t)) && providers.configured(t.provider())) {
                        plan.add(t);
                    }
                }
            }
            ProviderException last = null;
            for (int i = 0; i < plan.size() && attempts.size() < maxAttempts; i++) {
                Target t = plan.get(i);
                ProvisionAttempt.Builder attempt = ProvisionAttempt.newBuilder().setProvider(ProtoMapper.toProto(
                        t.provider())).setRegion(t.region()).setZone(t.zone()).setInstanceType(t.type());
                Optional<String> blocked = request.getAllowFallback()
                        ? failedOfferings.blocked(t.provider(), t.region(), t.type()) : Optional.empty();
                if (blocked.isPresent()) {
                    attempts.add(attempt.setErrorClass("SKIPPED").setMessage(blocked.get()).build());
                    continue;
                }
                boolean spot = spec != null && spec.allowSpot() && prefs.spotAllowed()
                        && providers.descriptor(t.provider()).spotCapacity() && spec.qos().slaTarget() == 0;
                ProviderAdapter adapter = adapterFor(t.provider());
                ProvisionRequest pr = new ProvisionRequest(t.type(), t.region(), t.zone(), tee, spot, requestId,
                        request.getLabelsMap(), storage);
                try {
                    Instance created = adapter.provision(pr);
                    attempts.add(attempt.setZone(created.zone()).build());
                    Offer priced = t.offer() != null ? t.offer()
                            : cat.provider(t.provider()).regions().get(t.region()).offer(t.type());
                    return ProvisionInstanceResponse.newBuilder().setInstance(toProto(created, priced, spot))
                            .setClientRequestId(requestId).addAllAttempts(attempts).build();
                } catch (ProviderException e) {
                    attempts.add(attempt.setErrorClass(e.errorClass().name()).setMessage(e.getMessage()).build());
                    last = e;
                    boolean failover = e.errorClass() == ErrorClass.CAPACITY || e.errorClass() == ErrorClass.QUOTA;
                    if (!request.getAllowFallback() || !failover) {
                        break;
                    }
                    failedOfferings.failed(t.provider(), t.region(), t.type(), e.errorClass(), e.scope());
                }
            }
            Map<String, String> summary = new java.util.LinkedHashMap<>();
            summary.put("attempts", Integer.toString(attempts.size()));
            for (int i = 0; i < attempts.size(); i++) {
                ProvisionAttempt a = attempts.get(i);
                summary.put("attempt_" + (i + 1), a.getProvider().name().substring("CLOUD_PROVIDER_".length())
                        .toLowerCase(Locale.ROOT) + "/" + a.getRegion() + "/" + a.getInstanceType() + ": "
                        + a.getErrorClass());
            }
            if (last == null) {
                throw ApiErrors.build(com.google.rpc.Code.RESOURCE_EXHAUSTED, "every candidate was skipped: each "
                        + "failed on capacity or quota recently", "ALL_CANDIDATES_SKIPPED", summary);
            }
            throw ProviderErrors.toStatus(last, summary);
        }, calls);
    }

    private static Offer mapOrThrow(Catalog cat, Provider p, String region, ResourceSpec spec) {
        MappingResult r = InstanceTypeMapper.map(cat.provider(p).regions().get(region), spec,
                MappingPolicy.DEFAULT, 0, false);
        if (!r.found()) {
            throw ApiErrors.notFound(r.summary(), "NO_INSTANCE_TYPE_FITS", "instance type", p.id() + "/" + region,
                    Map.of("provider", p.id(), "region", region));
        }
        return r.offer();
    }

    private ProviderAdapter adapterFor(Provider p) {
        CredentialStatus cred = providers.credentials(p);
        if (!cred.configured()) {
            throw ApiErrors.failedPrecondition(p.displayName() + " is not configured: " + cred.missing(),
                    "PROVIDER_NOT_CONFIGURED", List.of(ApiErrors.precondition("CREDENTIALS", "provider/" + p.id(),
                            cred.missing() + " (environment: " + String.join(", ",
                                    providers.descriptor(p).configurationEnvVars()) + ")")),
                    Map.of("provider", p.id()));
        }
        return adapters.adapter(p).orElseThrow(() -> NotYetBuilt.provisioning("the " + p.id() + " adapter"));
    }

    static void labels(RequestValidator v, Map<String, String> labels, String field) {
        if (labels.size() > 32) {
            v.add(field, "at most 32 labels");
            return;
        }
        new java.util.TreeMap<>(labels).forEach((k, val) -> {
            if (!LABEL_KEY.matcher(k).matches()) {
                v.add(field + "[" + k.substring(0, Math.min(k.length(), 64)) + "]",
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

    /** One place to try a provision: provider, region, type (and zone when the caller named one). */
    private record Target(Provider provider, String region, String type, Offer offer, String zone) {
        boolean sameOffering(Target o) {
            return provider == o.provider && region.equals(o.region) && type.equals(o.type);
        }
    }

    private InstanceRef target(io.cloudprovisioner.api.v1.CloudProvider provider, String region, String id) {
        RequestValidator v = new RequestValidator();
        Provider p = v.provider(provider, "provider", true);
        if (!region.isEmpty()) {
            v.region(region, "region", p, catalog.current());
        } else if (p == Provider.AWS || p == Provider.GCP || p == Provider.AZURE) {
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

    @Override
    public Uni<TerminateInstanceResponse> terminateInstance(TerminateInstanceRequest request) {
        return ApiErrors.unary("TerminateInstance", () -> {
            InstanceRef t = target(request.getProvider(), request.getRegion(), request.getInstanceId());
            RequestValidator v = new RequestValidator();
            String requestId = requestId(v, request.getClientRequestId(), "client_request_id");
            v.throwIfInvalid();
            ProviderAdapter a = adapterFor(t.provider());
            Instance i = call(() -> a.terminate(t.region(), t.id()));
            return TerminateInstanceResponse.newBuilder().setStatus(toProto(i.status())).setClientRequestId(requestId)
                    .build();
        }, calls);
    }

    @Override
    public Uni<GetInstanceStatusResponse> getInstanceStatus(GetInstanceStatusRequest request) {
        return ApiErrors.unary("GetInstanceStatus", () -> {
            InstanceRef t = target(request.getProvider(), request.getRegion(), request.getInstanceId());
            ProviderAdapter a = adapterFor(t.provider());
            Instance i = call(() -> a.describe(t.region(), t.id()));
            return GetInstanceStatusResponse.newBuilder().setStatus(toProto(i.status()))
                    .setProviderStatus(i.providerStatus()).build();
        }, calls);
    }

    @Override
    public Uni<GetInstanceDetailsResponse> getInstanceDetails(GetInstanceDetailsRequest request) {
        return ApiErrors.unary("GetInstanceDetails", () -> {
            InstanceRef t = target(request.getProvider(), request.getRegion(), request.getInstanceId());
            ProviderAdapter a = adapterFor(t.provider());
            Instance i = call(() -> a.describe(t.region(), t.id()));
            Offer offer = catalog.current().provider(t.provider()).region(i.region())
                    .map(r -> r.offer(i.instanceType())).orElse(null);
            return GetInstanceDetailsResponse.newBuilder().setInstance(toProto(i, offer, i.spot())).build();
        }, calls);
    }

    @Override
    public Uni<ListInstancesResponse> listInstances(ListInstancesRequest request) {
        return ApiErrors.unary("ListInstances", () -> {
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
            List<Instance> all = new ArrayList<>();
            for (Provider p : Provider.values()) {
                if ((only != null && p != only) || adapters.adapter(p).isEmpty()) {
                    continue;
                }
                if (!providers.credentials(p).configured()) {
                    if (only != null) {
                        adapterFor(p);
                    }
                    continue;
                }
                ProviderAdapter a = adapters.adapter(p).get();
                for (Instance i : call(() -> a.listManaged(""))) {
                    if (i.labels().entrySet().containsAll(request.getLabelSelectorMap().entrySet())) {
                        all.add(i);
                    }
                }
            }
            all.sort(Comparator.comparing((Instance i) -> i.provider()).thenComparing(Instance::region)
                    .thenComparing(Instance::id));
            ListInstancesResponse.Builder out = ListInstancesResponse.newBuilder();
            int end = Math.min(all.size(), offset + pageSize);
            for (int i = offset; i < end; i++) {
                Instance inst = all.get(i);
                Offer offer = catalog.current().provider(inst.provider()).region(inst.region())
                        .map(r -> r.offer(inst.instanceType())).orElse(null);
                out.addInstances(toProto(inst, offer, inst.spot()));
            }
            if (end < all.size()) {
                out.setNextPageToken(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(("v1:" + end).getBytes(StandardCharsets.UTF_8)));
            }
            return out.build();
        }, calls);
    }
}

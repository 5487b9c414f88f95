package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.MutinyCatalogServiceGrpc;
import io.cloudprovisioner.api.v1.DiscoverMachineTypesRequest;
import io.cloudprovisioner.api.v1.DiscoverMachineTypesResponse;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.EstimateCostResponse;
import io.cloudprovisioner.api.v1.InstanceTypeFilter;
import io.cloudprovisioner.api.v1.ListInstanceTypesRequest;
import io.cloudprovisioner.api.v1.ListInstanceTypesResponse;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ListProvidersResponse;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.MappingExplanation;
import io.cloudprovisioner.api.v1.ProviderCapabilities;
import io.cloudprovisioner.api.v1.ProviderInfo;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.InstanceTypeMapper;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.catalog.Money;
import io.cloudprovisioner.catalog.MappingResult;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceFreshness;
import io.cloudprovisioner.catalog.PriceQuote;
import io.cloudprovisioner.catalog.ProviderCatalog;
import io.cloudprovisioner.catalog.RegionOffers;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderAdapter;
import io.cloudprovisioner.provider.ProviderAdapters;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderDescriptor;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.selection.Candidate;
import io.cloudprovisioner.selection.ProviderSelector;
import io.cloudprovisioner.selection.Rejection;
import io.cloudprovisioner.selection.SelectionPreferences;
import io.cloudprovisioner.selection.SelectionResult;
import io.cloudprovisioner.selection.SelectionSettings;
import io.cloudprovisioner.security.Roles;
import io.quarkus.grpc.GrpcService;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The catalog and selection endpoints. Everything here is answered from memory, so it runs on the gRPC event loop
 * without blocking.
 */
@GrpcService
public class CatalogGrpcService extends MutinyCatalogServiceGrpc.CatalogServiceImplBase {

    /** Requests are decoded by {@link RequestDecoding} (malformed ones answered INVALID_ARGUMENT). */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.guard(super.bindService());
    }
    private static final Comparator<Offer> LISTING_ORDER = Comparator
            .<Offer>comparingDouble(o -> o.effectiveUsdPerHour(false))
            .thenComparing(o -> o.type().name())
            .thenComparing(Offer::region);

    @Inject
    CatalogStore catalog;
    @Inject
    ProviderCallExecutor calls;
    @Inject
    ProviderRegistry providers;
    @Inject
    ProviderSelector selector;
    @Inject
    SelectionSettings settings;
    @Inject
    ProviderAdapters adapters;
    @Inject
    OfferProtos protos;
    @Inject
    io.cloudprovisioner.catalog.PriceRefresher refresher;

    /** SelectProvider's max_candidates when the caller leaves it 0 (documented in the proto). */
    static final int DEFAULT_MAX_CANDIDATES = 5;
    /** The most candidates a caller may ask for; above it the call is INVALID_ARGUMENT. */
    static final int MAX_CANDIDATES_CAP = 500;

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<ListProvidersResponse> listProviders(ListProvidersRequest request) {
        return ApiErrors.unary("ListProviders", () -> {
            Catalog cat = catalog.current();
            ListProvidersResponse.Builder out = ListProvidersResponse.newBuilder();
            for (Provider p : Provider.values()) {
                ProviderDescriptor d = providers.descriptor(p);
                CredentialStatus cred = providers.credentials(p);
                ProviderCatalog pc = cat.provider(p);
                ProviderCapabilities.Builder caps = ProviderCapabilities.newBuilder()
                        .setSpot(d.spotCapacity()).setTee(pc.hasTee()).setZones(d.zones())
                        .setMonthlyBilling(pc.monthlyBilling()).setGpus(pc.hasGpus());
                d.deploymentTypes().stream().sorted().forEach(t -> caps.addDeploymentTypes(ProtoMapper.toProto(t)));
                ProviderInfo.Builder info = ProviderInfo.newBuilder().setProvider(ProtoMapper.toProto(p))
                        .setConfigured(cred.configured()).setCredentialSource(cred.source())
                        .addAllConfigurationEnvVars(d.configurationEnvVars()).setMissing(cred.missing())
                        .setCapabilities(caps).setInstanceTypeCount(pc.types().size())
                        .addAllRegions(pc.regions().keySet());
                pc.sources().forEach(s -> info.addPriceSources(ProtoMapper.toProto(s)));
                PriceFreshness f = pc.priceFreshness();
                info.setPriceFreshness(io.cloudprovisioner.api.v1.PriceFreshness.newBuilder().setPrices(f.prices())
                        .setStalePrices(f.stale()).setUndatedPrices(f.undated()).setOldestAsOf(f.oldestAsOf())
                        .setNewestAsOf(f.newestAsOf()).setStaleAfter(catalog.staleAfter().toString()));
                refresher.status(p).forEach(s -> info.addLiveRefreshes(liveRefresh(s)));
                out.addProviders(info);
            }
            return out.build();
        });
    }

    /** One live source's last refresh; its error detail (the provider's code is untrusted) cut to 200 characters. */
    static io.cloudprovisioner.api.v1.LiveRefresh liveRefresh(io.cloudprovisioner.catalog.RefreshStatus s) {
        io.cloudprovisioner.api.v1.LiveRefresh.Builder b = io.cloudprovisioner.api.v1.LiveRefresh.newBuilder()
                .setSource(s.sourceId()).setDiscovery(s.discovery())
                .setOutcome(switch (s.outcome()) {
                    case NEVER -> io.cloudprovisioner.api.v1.LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_NEVER;
                    case OK -> io.cloudprovisioner.api.v1.LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_OK;
                    case FAILED -> io.cloudprovisioner.api.v1.LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_FAILED;
                    case NOT_CONFIGURED ->
                        io.cloudprovisioner.api.v1.LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_NOT_CONFIGURED;
                })
                .setLastError(s.detail() == null ? "" : ApiErrors.cut(s.detail(), 200))
                .setAppliedPrices(s.applied()).setIgnoredPrices(s.ignored());
        if (s.lastAttempt() != null) {
            b.setLastAttempt(s.lastAttempt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
        if (s.lastSuccess() != null) {
            b.setLastSuccess(s.lastSuccess().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
        if (s.discovery()) {
            b.setAddedTypes(s.addedTypes()).setRetiredTypes(s.retiredTypes()).setAddedOffers(s.addedOffers())
                    .setRemovedOffers(s.removedOffers());
        }
        return b.build();
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<ListInstanceTypesResponse> listInstanceTypes(ListInstanceTypesRequest request) {
        return ApiErrors.unary("ListInstanceTypes", () -> {
            Catalog cat = catalog.current();
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", true);
            String region = request.getRegion().isEmpty() ? "" : v.region(request.getRegion(), "region", p, cat);
            InstanceTypeFilter f = request.getFilter();
            checkFilter(v, f);
            int pageSize = v.bounded(request.getPageSize(), 1, 1000, 100, "page_size");
            String fingerprint = fingerprint(request);
            int offset = decodePageToken(v, request.getPageToken(), fingerprint);
            v.throwIfInvalid();
            ProviderCatalog pc = cat.provider(p);
            List<Offer> matching = new ArrayList<>();
            for (RegionOffers ro : region.isEmpty() ? pc.regions().values() : List.of(pc.regions().get(region))) {
                for (Offer o : ro.sorted(false)) {
                    if (matches(o, f)) {
                        matching.add(o);
                    }
                }
            }
            matching.sort(LISTING_ORDER);
            ListInstanceTypesResponse.Builder out = ListInstanceTypesResponse.newBuilder()
                    .setTotalSize(matching.size());
            int end = Math.min(matching.size(), offset + pageSize);
            for (int i = offset; i < end; i++) {
                out.addOffers(protos.offer(cat, matching.get(i)));
            }
            if (end < matching.size()) {
                out.setNextPageToken(encodePageToken(end, fingerprint));
            }
            return out.build();
        });
    }

    private static void checkFilter(RequestValidator v, InstanceTypeFilter f) {
        nonNegative(v, f.getMinVcpus(), "filter.min_vcpus");
        nonNegative(v, f.getMaxVcpus(), "filter.max_vcpus");
        nonNegative(v, f.getMinMemoryGib(), "filter.min_memory_gib");
        nonNegative(v, f.getMaxMemoryGib(), "filter.max_memory_gib");
        if (f.getMaxVcpus() > 0 && f.getMaxVcpus() < f.getMinVcpus()) {
            v.add("filter.max_vcpus", "must be >= min_vcpus");
        }
        if (f.getMaxMemoryGib() > 0 && f.getMaxMemoryGib() < f.getMinMemoryGib()) {
            v.add("filter.max_memory_gib", "must be >= min_memory_gib");
        }
        if (f.getMinGpuCount() < 0 || f.getMinGpuCount() > 64) {
            v.add("filter.min_gpu_count", "must be 0 to 64");
        }
        if (f.getArchitecture() == io.cloudprovisioner.api.v1.Architecture.UNRECOGNIZED) {
            v.add("filter.architecture", "unknown architecture value");
        }
        if (f.getFamiliesCount() > RequestValidator.MAX_LIST) {
            v.add("filter.families", "at most " + RequestValidator.MAX_LIST + " entries");
        }
        for (int i = 0; i < f.getFamiliesCount(); i++) {
            if (!RequestValidator.FAMILY.matcher(f.getFamilies(i)).matches()) {
                v.add("filter.families[" + i + "]", "must be a family name, at most 64 characters");
            }
        }
    }

    private static void nonNegative(RequestValidator v, double d, String field) {
        if (!Double.isFinite(d) || d < 0) {
            v.add(field, "must be a finite number >= 0");
        }
    }

    private static boolean matches(Offer o, InstanceTypeFilter f) {
        var t = o.type();
        if (t.retired() && !f.getIncludeRetired()) {
            return false;
        }
        if (f.getPricedOnly() && o.onDemand() == null) {
            return false;
        }
        if (t.vcpus() < f.getMinVcpus() || (f.getMaxVcpus() > 0 && t.vcpus() > f.getMaxVcpus())) {
            return false;
        }
        if (t.memoryGib() < f.getMinMemoryGib() || (f.getMaxMemoryGib() > 0 && t.memoryGib() > f.getMaxMemoryGib())) {
            return false;
        }
        if (t.gpuCount() < f.getMinGpuCount()) {
            return false;
        }
        if (f.getArchitecture() != io.cloudprovisioner.api.v1.Architecture.ARCHITECTURE_UNSPECIFIED
                && ProtoMapper.toProto(t.architecture()) != f.getArchitecture()) {
            return false;
        }
        if (f.getTeeOnly() && t.tee().isEmpty()) {
            return false;
        }
        if (f.getFamiliesCount() > 0) {
            return f.getFamiliesList().stream().anyMatch(fam -> fam.equalsIgnoreCase(t.family()));
        }
        return true;
    }

    private static String fingerprint(ListInstanceTypesRequest r) {
        ListInstanceTypesRequest base = r.toBuilder().clearPageToken().clearPageSize().build();
        return Integer.toHexString(java.util.Arrays.hashCode(base.toByteArray()));
    }

    private static String encodePageToken(int offset, String fingerprint) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1:" + offset + ":" + fingerprint).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodePageToken(RequestValidator v, String token, String fingerprint) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length == 3 && parts[0].equals("v1") && parts[2].equals(fingerprint)) {
                int offset = Integer.parseInt(parts[1]);
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the violation below
        }
        v.add("page_token", "not a token from a previous response to the same request");
        return 0;
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<MapInstanceTypeResponse> mapInstanceType(MapInstanceTypeRequest request) {
        return ApiErrors.unary("MapInstanceType", () -> {
            Catalog cat = catalog.current();
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", true);
            String region = v.region(request.getRegion(), "region", p, cat);
            if (!request.hasSpec()) {
                v.add("spec", "required");
            }
            ResourceSpec spec = request.hasSpec() ? v.spec(request.getSpec(), "spec") : null;
            MappingPolicy policy = v.policy(request.getPolicy(), settings.policy(), "policy");
            int alternatives = request.getAlternatives() == 0 ? 3
                    : v.bounded(request.getAlternatives(), 0, 20, 3, "alternatives");
            v.throwIfInvalid();
            MappingResult r = map(cat, p, region, spec, policy, alternatives);
            MapInstanceTypeResponse.Builder out = MapInstanceTypeResponse.newBuilder()
                    .setOffer(protos.offer(cat, r.offer())).setEffectivePrice(protos.price(cat, r.effectivePrice()))
                    .setSpot(r.spot()).setExplanation(explanation(r));
            if (spec.allowSpot()) {
                protos.spotTerms(cat, r.offer(), false).ifPresent(out::setSpotTerms);
            }
            r.alternatives().forEach(a -> out.addAlternatives(protos.offer(cat, a)));
            return out.build();
        });
    }

    /** Maps with explanation, or throws FAILED_PRECONDITION (TEE unsupported) / NOT_FOUND (nothing fits). */
    private MappingResult map(Catalog cat, Provider p, String region, ResourceSpec spec, MappingPolicy policy,
            int alternatives) {
        ProviderCatalog pc = cat.provider(p);
        if (spec.requireTee() && !pc.hasTee()) {
            throw ApiErrors.failedPrecondition(p.displayName() + " offers no confidential-computing instance "
                    + "type; require_tee needs AWS, GCP or Azure", "TEE_UNSUPPORTED",
                    List.of(ApiErrors.precondition("TEE", "provider/" + p.id(), p.displayName()
                            + " has no trusted-execution instance types; choose CLOUD_PROVIDER_AWS, _GCP or _AZURE")),
                    Map.of("provider", p.id()));
        }
        MappingResult r = InstanceTypeMapper.map(pc.regions().get(region), spec, policy, alternatives, true);
        if (!r.found()) {
            Map<String, String> meta = new TreeMap<>();
            meta.put("provider", p.id());
            meta.put("region", region);
            r.rejections().forEach((c, n) -> meta.put("rejected_" + c.name().toLowerCase(Locale.ROOT),
                    Integer.toString(n)));
            throw ApiErrors.notFound(r.summary(), "NO_INSTANCE_TYPE_FITS", "instance type", p.id() + "/" + region,
                    meta);
        }
        return r;
    }

    private static MappingExplanation explanation(MappingResult r) {
        MappingExplanation.Builder b = MappingExplanation.newBuilder().setConsidered(r.considered())
                .setSatisfying(r.satisfying()).setSummary(r.summary())
                .setEffectiveSpec(ProtoMapper.toProto(r.spec()))
                .addAllRejections(ProtoMapper.toProto(r.rejections()));
        r.binding().forEach(c -> b.addBindingConstraints(ProtoMapper.toProto(c)));
        return b.build();
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<EstimateCostResponse> estimateCost(EstimateCostRequest request) {
        return ApiErrors.unary("EstimateCost", () -> {
            Catalog cat = catalog.current();
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", true);
            String region = v.region(request.getRegion(), "region", p, cat);
            String typeName = null;
            ResourceSpec spec = null;
            switch (request.getTargetCase()) {
                case INSTANCE_TYPE -> typeName = v.instanceType(request.getInstanceType(), "instance_type");
                case SPEC -> spec = v.spec(request.getSpec(), "spec");
                default -> v.add("target", "set instance_type or spec");
            }
            MappingPolicy policy = v.policy(request.getPolicy(), settings.policy(), "policy");
            double hours = request.getHours() == 0 ? PriceQuote.HOURS_PER_MONTH : request.getHours();
            if (!Double.isFinite(hours) || hours <= 0 || hours > 87600) {
                v.add("hours", "must be a finite number of hours in (0, 87600] (0 = 730)");
            }
            int count = v.bounded(request.getInstanceCount(), 1, 10000, 1, "instance_count");
            if (p != null && typeName != null && cat.provider(p).type(typeName).isEmpty()) {
                v.add("instance_type", "unknown instance type '" + typeName + "' for " + p.id());
            }
            v.throwIfInvalid();
            Offer offer;
            if (spec != null) {
                offer = map(cat, p, region, spec.withSpot(spec.allowSpot() || request.getSpot()), policy, 0).offer();
            } else {
                offer = cat.provider(p).regions().get(region).offer(typeName);
                if (offer == null) {
                    throw ApiErrors.notFound(typeName + " is not offered in " + p.id() + " region " + region
                            + " according to the catalog", "NOT_OFFERED_IN_REGION", "instance offer",
                            p.id() + "/" + region + "/" + typeName, Map.of("provider", p.id(), "region", region));
                }
                if (offer.onDemand() == null) {
                    throw ApiErrors.notFound("the catalog has no price for " + typeName + " in " + p.id() + " "
                            + region, "PRICE_UNKNOWN", "instance price", p.id() + "/" + region + "/" + typeName,
                            Map.of("provider", p.id(), "region", region));
                }
            }
            boolean wantSpot = request.getSpot() || (spec != null && spec.allowSpot());
            boolean spot = wantSpot && offer.spot() != null;
            PriceQuote price = spot ? offer.spot() : offer.onDemand();
            BigDecimal total = Money.total(price, hours, count);
            BigDecimal monthly = Money.total(price, PriceQuote.HOURS_PER_MONTH, count);
            EstimateCostResponse.Builder out = EstimateCostResponse.newBuilder().setOffer(protos.offer(cat, offer))
                    .setHourlyPrice(protos.price(cat, price)).setSpot(spot).setHours(hours).setInstanceCount(count)
                    .setTotalUsd(total.doubleValue()).setTotalUsdDecimal(Money.text(total))
                    .setMonthlyUsd(monthly.doubleValue()).setMonthlyUsdDecimal(Money.text(monthly))
                    .addExcludes("disk storage").addExcludes("network egress").addExcludes("taxes")
                    .addExcludes("operating-system licences (Linux prices)");
            if (wantSpot && !spot) {
                out.addExcludes("spot: no spot price known for this offer; the on-demand price was used");
            }
            if (price.normalisedFromMonthly()) {
                out.addExcludes("monthly billing: the provider quotes $" + Money.text(Money.decimal(price.usdPerMonth()))
                        + "/month; hourly = monthly / 730");
            }
            return out.build();
        });
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<SelectProviderResponse> selectProvider(SelectProviderRequest request) {
        return ApiErrors.unary("SelectProvider", () -> {
            Catalog cat = catalog.current();
            RequestValidator v = new RequestValidator();
            if (!request.hasSpec()) {
                v.add("spec", "required");
            }
            ResourceSpec spec = request.hasSpec() ? v.spec(request.getSpec(), "spec") : null;
            SelectionPreferences prefs;
            String source;
            if (request.hasPreferences()) {
                prefs = v.preferences(request.getPreferences(), settings.policy(), cat, "preferences");
                source = "request";
            } else {
                SelectionPreferences file = settings.preferences();
                MappingPolicy fp = file.policy();
                prefs = new SelectionPreferences(file.providers(), file.allowedDeploymentTypes(),
                        file.preferredDeploymentTypes(), file.maxHourlyUsd(), file.allowFallback(),
                        file.spotAllowed(), file.includeUnconfigured(), settings.policy().combine(
                                fp.allowedFamilies(), fp.deniedFamilies(), fp.allowBurstable(), fp.minGeneration(),
                                fp.allowBareMetal(), 0));
                source = settings.preferencesSource();
            }
            int max = v.bounded(request.getMaxCandidates(), 1, MAX_CANDIDATES_CAP, DEFAULT_MAX_CANDIDATES,
                    "max_candidates");
            v.throwIfInvalid();
            SelectionResult r = selector.select(cat, spec, prefs, max, source);
            if (r.noProviderAvailable()) {
                throw noProvider(r);
            }
            if (request.getPriceSourceRefs()) {
                return SelectAnswer.build(r, spec, source, o -> protos.offerRef(cat, o), q -> protos.priceRef(cat, q),
                        s -> protos.source(cat, s), o -> protos.spotTerms(cat, o, false));
            }
            return SelectAnswer.build(r, spec, source, o -> protos.offer(cat, o), q -> protos.price(cat, q), null,
                    o -> protos.spotTerms(cat, o, false));
        });
    }

    private io.grpc.StatusRuntimeException noProvider(SelectionResult r) {
        List<com.google.rpc.PreconditionFailure.Violation> vs = new ArrayList<>();
        for (Rejection j : r.rejections()) {
            ProviderDescriptor d = providers.descriptor(j.provider());
            vs.add(ApiErrors.precondition("NOT_ENABLED".equals(j.reason()) ? "PREFERENCES" : "CREDENTIALS",
                    "provider/" + j.provider().id(), j.message() + " (environment: "
                            + String.join(", ", d.configurationEnvVars()) + ")"));
        }
        return ApiErrors.failedPrecondition("no provider is enabled and configured, so nothing can be selected: "
                + "configure credentials for at least one provider (see ListProviders), or set "
                + "preferences.include_unconfigured to plan without credentials", "NO_PROVIDER_CONFIGURED", vs,
                Map.of());
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<DiscoverMachineTypesResponse> discoverMachineTypes(DiscoverMachineTypesRequest request) {
        return ApiErrors.unary("DiscoverMachineTypes", () -> {
            Catalog cat = catalog.current();
            RequestValidator v = new RequestValidator();
            Provider p = v.provider(request.getProvider(), "provider", true);
            String region = v.region(request.getRegion(), "region", p, cat);
            v.throwIfInvalid();
            if (request.getLive()) {
                CredentialStatus cred = providers.credentials(p);
                if (!cred.configured()) {
                    throw ApiErrors.failedPrecondition("live discovery asks " + p.displayName()
                            + "'s own API and needs its credentials: " + cred.missing(), "PROVIDER_NOT_CONFIGURED",
                            List.of(ApiErrors.precondition("CREDENTIALS", "provider/" + p.id(), cred.missing()
                                    + " (environment: " + String.join(", ",
                                            providers.descriptor(p).configurationEnvVars()) + ")")),
                            Map.of("provider", p.id()));
                }
                ProviderAdapter adapter = adapters.adapter(p).orElseThrow(() -> ApiErrors.unimplemented(
                        "live discovery needs the " + p.id() + " adapter, which this build does not include",
                        "PROVIDER_ADAPTER_MISSING", Map.of("provider", p.id())));
                List<ProviderAdapter.DiscoveredType> found;
                try {
                    found = adapter.discoverTypes(region);
                } catch (ProviderException e) {
                    throw ProviderErrors.toStatus(e);
                }
                io.cloudprovisioner.api.v1.PriceSource live = io.cloudprovisioner.api.v1.PriceSource.newBuilder()
                        .setId(p.id() + "-live").setDescription(p.displayName() + " API, queried by this call")
                        .setOrigin(p.displayName() + " API").setAsOf(java.time.Instant.now().toString())
                        .setLive(true).build();
                DiscoverMachineTypesResponse.Builder out = DiscoverMachineTypesResponse.newBuilder()
                        .setSource(p.displayName() + " API").setLive(true);
                found.stream().sorted(Comparator.comparing(ProviderAdapter.DiscoveredType::name)).forEach(t -> {
                    io.cloudprovisioner.api.v1.InstanceOffer.Builder o = io.cloudprovisioner.api.v1.InstanceOffer
                            .newBuilder().setRegion(region).setInstanceType(io.cloudprovisioner.api.v1.InstanceType
                                    .newBuilder().setProvider(ProtoMapper.toProto(p)).setName(t.name())
                                    .setVcpus(t.vcpus()).setMemoryGib(t.memoryGib()).setGpuCount(t.gpuCount())
                                    .setSpecSource(live.getId()));
                    if (Double.isFinite(t.usdPerHour()) && t.usdPerHour() > 0) {
                        BigDecimal hourly = Money.decimal(t.usdPerHour());
                        o.setOnDemand(io.cloudprovisioner.api.v1.Price.newBuilder().setUsdPerHour(hourly.doubleValue())
                                .setUsdPerHourDecimal(Money.text(hourly)).setSource(live));
                    }
                    out.addOffers(o);
                });
                return out.build();
            }
            List<Offer> offers = new ArrayList<>(cat.provider(p).regions().get(region).sorted(false));
            offers.sort(Comparator.comparing(o -> o.type().name()));
            DiscoverMachineTypesResponse.Builder out = DiscoverMachineTypesResponse.newBuilder()
                    .setSource("bundled catalog").setLive(false);
            offers.forEach(o -> out.addOffers(protos.offer(cat, o)));
            return out.build();
        }, calls);
    }
}

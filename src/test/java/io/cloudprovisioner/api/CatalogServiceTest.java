package io.cloudprovisioner.api;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static io.cloudprovisioner.api.GrpcTestSupport.preconditionFailure;
import static io.cloudprovisioner.api.GrpcTestSupport.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.Architecture;
import io.cloudprovisioner.api.v1.Candidate;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.DiscoverMachineTypesRequest;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.EstimateCostResponse;
import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.InstanceTypeFilter;
import io.cloudprovisioner.api.v1.ListInstanceTypesRequest;
import io.cloudprovisioner.api.v1.ListInstanceTypesResponse;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ListProvidersResponse;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.ProviderInfo;
import io.cloudprovisioner.api.v1.ResourcePreset;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog API as a client sees it: a plain channel, generated stubs, google.rpc details. The same scenarios run
 * against the packaged application in {@link CatalogServiceIT}. No provider credentials exist in this environment.
 */
@QuarkusTest
public class CatalogServiceTest {
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub catalog;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        catalog = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    static ResourceSpec spec(double cpu, double mem) {
        return ResourceSpec.newBuilder().setCpu(cpu).setMemoryGb(mem).setStorageGb(20).build();
    }

    static void assertSourced(io.cloudprovisioner.api.v1.Price p) {
        assertTrue(p.getUsdPerHour() > 0, "price > 0");
        assertFalse(p.getSource().getId().isEmpty(), "price source id");
        assertFalse(p.getSource().getOrigin().isEmpty(), "price origin");
    }

    @Test
    void listProvidersNamesAllFiveWithTheirConfigurationAndNoSecret() {
        ListProvidersResponse r = catalog.listProviders(ListProvidersRequest.getDefaultInstance());
        assertEquals(5, r.getProvidersCount());
        for (ProviderInfo p : r.getProvidersList()) {
            assertFalse(p.getConfigurationEnvVarsList().isEmpty(), p.getProvider() + " env vars");
            assertTrue(p.getInstanceTypeCount() > 0, p.getProvider() + " types");
            assertTrue(p.getRegionsCount() > 0, p.getProvider() + " regions");
            assertTrue(p.getPriceSourcesCount() > 0, p.getProvider() + " sources");
            assertTrue(p.getCapabilities().getDeploymentTypesCount() > 0);
        }
        ProviderInfo digitalOcean = r.getProviders(3);
        assertEquals(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, digitalOcean.getProvider());
        assertTrue(digitalOcean.getConfigurationEnvVarsList().containsAll(
                java.util.List.of("DIGITALOCEAN_TOKEN", "DO_API_TOKEN", "DO_TOKEN")));
        assertFalse(digitalOcean.getCapabilities().getTee());
        assertTrue(r.getProviders(4).getCapabilities().getMonthlyBilling(), "Vultr quotes monthly prices");
        assertTrue(r.getProviders(0).getCapabilities().getTee(), "AWS has Nitro Enclaves types");
    }

    @Test
    void mapsAws4x16ToACheapSatisfyingTypeWithSourcedPrice() {
        MapInstanceTypeResponse r = catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1").setSpec(spec(4, 16)).build());
        InstanceOffer o = r.getOffer();
        assertTrue(o.getInstanceType().getVcpus() >= 4 && o.getInstanceType().getMemoryGib() >= 16);
        assertTrue(r.getEffectivePrice().getUsdPerHour() <= 0.192, "no dearer than m6i.xlarge: " + o);
        assertSourced(r.getEffectivePrice());
        assertFalse(r.getEffectivePrice().getSource().getAsOf().isEmpty(), "us-east-1 prices are dated");
        assertEquals(3, r.getAlternativesCount());
        for (InstanceOffer a : r.getAlternativesList()) {
            assertTrue(a.getOnDemand().getUsdPerHour() >= r.getEffectivePrice().getUsdPerHour());
        }
        assertTrue(r.getExplanation().getSatisfying() > 3);
        assertFalse(r.getExplanation().getSummary().isEmpty());
    }

    @Test
    void presetsFillTheSpecAndTheEffectiveSpecSaysSo() {
        MapInstanceTypeResponse r = catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion("us-central1")
                .setSpec(ResourceSpec.newBuilder().setPreset(ResourcePreset.RESOURCE_PRESET_RECOMMENDED)).build());
        ResourceSpec eff = r.getExplanation().getEffectiveSpec();
        assertEquals(4, eff.getCpu());
        assertEquals(16, eff.getMemoryGb());
        assertEquals(100, eff.getStorageGb());
        assertTrue(r.getOffer().getInstanceType().getMemoryGib() >= 16);
    }

    @Test
    void aThirtyTwoVcpuRequestOnAzureGetsThirtyTwoActiveVcpusAndConstrainedSizesShowBothCounts() {
        MapInstanceTypeResponse r = catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus").setSpec(spec(32, 256)).build());
        io.cloudprovisioner.api.v1.InstanceType t = r.getOffer().getInstanceType();
        assertTrue(t.getVcpus() >= 32, t.toString());
        assertEquals(0, t.getNominalVcpus(), "not a constrained size: " + t.getName());
        for (InstanceOffer a : r.getAlternativesList()) {
            assertTrue(a.getInstanceType().getVcpus() >= 32, a.toString());
        }
        ListInstanceTypesResponse list = catalog.listInstanceTypes(ListInstanceTypesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus")
                .setFilter(InstanceTypeFilter.newBuilder().setMinVcpus(16).setMaxVcpus(16).setMinMemoryGib(256)
                        .setMaxMemoryGib(256))
                .setPageSize(1000).build());
        InstanceOffer e32 = list.getOffersList().stream()
                .filter(o -> o.getInstanceType().getName().equals("Standard_E32-16as_v4")).findFirst().orElseThrow();
        assertEquals(16, e32.getInstanceType().getVcpus());
        assertEquals(32, e32.getInstanceType().getNominalVcpus());
        assertTrue(e32.getInstanceType().getSpecDerived());
    }

    @Test
    void inferredDigitalOceanOffersAreMarkedUnconfirmedAndStalePricesAreFlagged() {
        MapInstanceTypeResponse r = catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3").setSpec(spec(2, 4))
                .setAlternatives(20).build());
        List<InstanceOffer> all = new java.util.ArrayList<>(r.getAlternativesList());
        all.add(r.getOffer());
        InstanceOffer s2 = all.stream().filter(o -> o.getInstanceType().getName().equals("s-2vcpu-4gb")).findFirst()
                .orElseThrow(() -> new AssertionError("s-2vcpu-4gb among the answers: " + all));
        assertTrue(s2.getAvailabilityUnconfirmed(), "no source lists s-2vcpu-4gb in nyc3");
        assertEquals("do-sizes-doctl", s2.getOnDemand().getSource().getId());
        assertEquals("0.03571", s2.getOnDemand().getUsdPerHourDecimal());
        // 2025-06-23 is more than the default 365 days before the test runs (2026-12 or later): stale
        assertTrue(s2.getOnDemand().getSource().getStale());
        InstanceOffer gcp = catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion("us-central1").setSpec(spec(4, 16)).build())
                .getOffer();
        assertFalse(gcp.getAvailabilityUnconfirmed());
        java.time.Instant asOf = java.time.OffsetDateTime.parse(gcp.getOnDemand().getSource().getAsOf()).toInstant();
        assertEquals(asOf.isBefore(java.time.Instant.now().minus(java.time.Duration.ofDays(365))),
                gcp.getOnDemand().getSource().getStale());
    }

    @Test
    void listProvidersTellsHowOldEachProvidersPricesAre() {
        ListProvidersResponse r = catalog.listProviders(ListProvidersRequest.getDefaultInstance());
        for (ProviderInfo p : r.getProvidersList()) {
            io.cloudprovisioner.api.v1.PriceFreshness f = p.getPriceFreshness();
            assertTrue(f.getPrices() > 0, p.getProvider().name());
            assertTrue(f.getStalePrices() <= f.getPrices());
            assertTrue(f.getUndatedPrices() <= f.getStalePrices(), "undated prices count as stale");
            assertFalse(f.getOldestAsOf().isEmpty());
            assertFalse(f.getNewestAsOf().isEmpty());
            assertFalse(io.cloudprovisioner.catalog.Staleness.instant(f.getNewestAsOf()).orElseThrow()
                    .isBefore(io.cloudprovisioner.catalog.Staleness.instant(f.getOldestAsOf()).orElseThrow()), f.toString());
            assertEquals("PT8760H", f.getStaleAfter(), "the default 365 days");
            for (io.cloudprovisioner.api.v1.PriceSource s : p.getPriceSourcesList()) {
                if (s.getAsOf().isEmpty()) {
                    assertTrue(s.getStale(), s.getId() + " is undated");
                }
            }
        }
        ProviderInfo aws = r.getProviders(0);
        assertEquals(CloudProvider.CLOUD_PROVIDER_AWS, aws.getProvider());
        assertEquals("2023-08-06T15:34:36Z", aws.getPriceFreshness().getOldestAsOf());
        assertTrue(aws.getPriceFreshness().getStalePrices() > 0, "libcloud 2023 prices are stale");
        assertTrue(aws.getPriceSourcesList().stream().anyMatch(s -> s.getId().equals("aws-prices-libcloud")
                && s.getStale()));
    }

    @Test
    void teeOnGcpPicksAConfidentialType() {
        MapInstanceTypeResponse r = catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion("us-central1")
                .setSpec(spec(4, 16).toBuilder().setRequireTee(true)).build());
        assertTrue(r.getOffer().getInstanceType().getTeeTechnologiesCount() > 0);
        assertTrue(r.getEffectivePrice().getUsdPerHour() <= 0.168984, "no dearer than n2d-standard-4");
    }

    @Test
    void teeOnDigitalOceanIsAFailedPrecondition() {
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> catalog.mapInstanceType(
                MapInstanceTypeRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                        .setRegion("nyc1").setSpec(spec(2, 4).toBuilder().setRequireTee(true)).build()));
        assertEquals("TEE_UNSUPPORTED", errorInfo(e).getReason());
        assertEquals("provider/digitalocean", preconditionFailure(e).getViolations(0).getSubject());
    }

    @Test
    void everyBadFieldIsNamedInOneInvalidArgument() {
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> catalog.mapInstanceType(
                MapInstanceTypeRequest.newBuilder().setProviderValue(99).setRegion("US EAST")
                        .setSpec(ResourceSpec.newBuilder().setCpu(Double.NaN).setMemoryGb(-1)
                                .setStorageGb(Double.POSITIVE_INFINITY).setGpuCount(9).setArchitectureValue(42)
                                .setGpuModel("x".repeat(300)))
                        .build()));
        Set<String> fields = new HashSet<>(violatedFields(e));
        assertTrue(fields.containsAll(Set.of("provider", "region", "spec.cpu", "spec.memory_gb", "spec.storage_gb",
                "spec.gpu_count", "spec.architecture", "spec.gpu_model")), fields.toString());
        assertEquals("INVALID_ARGUMENT", errorInfo(e).getReason());
    }

    @Test
    void unknownRegionIsNamed() {
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> catalog.mapInstanceType(
                MapInstanceTypeRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                        .setRegion("mars-north-1").setSpec(spec(2, 4)).build()));
        assertEquals(java.util.List.of("region"), violatedFields(e));
        assertTrue(e.getStatus().getDescription().contains("mars-north-1"));
    }

    @Test
    void nothingFitsIsNotFoundWithCountsByConstraint() {
        StatusRuntimeException e = expect(Status.Code.NOT_FOUND, () -> catalog.mapInstanceType(
                MapInstanceTypeRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion("ewr")
                        .setSpec(spec(2, 4).toBuilder().setGpuCount(8).setGpuModel("h100")).build()));
        assertEquals("NO_INSTANCE_TYPE_FITS", errorInfo(e).getReason());
        assertTrue(errorInfo(e).getMetadataMap().containsKey("rejected_gpu"));
    }

    @Test
    void estimateNormalisesVultrMonthlyPricesAndSaysSo() {
        EstimateCostResponse r = catalog.estimateCost(EstimateCostRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion("ewr").setInstanceType("vc2-4c-8gb")
                .setInstanceCount(2).build());
        assertTrue(r.getHourlyPrice().getNormalisedFromMonthly());
        assertEquals(40.0, r.getHourlyPrice().getUsdPerMonth(), 1e-9);
        assertEquals(40.0 / 730, r.getHourlyPrice().getUsdPerHour(), 1e-6);
        assertEquals(730, r.getHours());
        assertEquals("0.0547945205", r.getHourlyPrice().getUsdPerHourDecimal());
        assertEquals("40", r.getHourlyPrice().getUsdPerMonthDecimal());
        // a month of a monthly-billed plan costs its monthly price, exactly
        assertEquals("80", r.getTotalUsdDecimal());
        assertEquals(80.0, r.getTotalUsd());
        assertEquals("80", r.getMonthlyUsdDecimal());
        assertTrue(r.getExcludesList().stream().anyMatch(s -> s.contains("quotes $40/month") && s.contains("/ 730")),
                r.getExcludesList().toString());
        assertSourced(r.getHourlyPrice());
    }

    @Test
    void aLocalZoneIsAZoneOfItsRegionNotARegion() {
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> catalog.estimateCost(
                EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                        .setRegion("us-west-2-lax-1").setInstanceType("m5.large").build()));
        assertEquals(List.of("region"), violatedFields(e));
        String why = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow()
                .getFieldViolations(0).getDescription();
        assertTrue(why.contains("is a zone (AWS Local Zone) of region us-west-2"), why);
        assertTrue(catalog.listProviders(io.cloudprovisioner.api.v1.ListProvidersRequest.getDefaultInstance())
                .getProvidersList().stream().flatMap(p -> p.getRegionsList().stream())
                .noneMatch(r -> r.equals("us-west-2-lax-1")), "listed as a region");
    }

    @Test
    void moneyIsDecimalNotBinaryFloatingPoint() {
        // 0.096 $/h × 3 h in binary floating point is 0.28800000000000003; the answer is the decimal 0.288
        EstimateCostResponse r = catalog.estimateCost(EstimateCostRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1").setInstanceType("m5.large")
                .setHours(3).setInstanceCount(1).build());
        assertEquals("0.096", r.getHourlyPrice().getUsdPerHourDecimal());
        assertEquals("0.288", r.getTotalUsdDecimal());
        assertEquals(0.288, r.getTotalUsd());
        assertEquals("70.08", r.getMonthlyUsdDecimal());
        EstimateCostResponse t = catalog.estimateCost(EstimateCostRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1").setInstanceType("t3.micro")
                .setHours(13).setInstanceCount(7).build());
        assertEquals("0.9464", t.getTotalUsdDecimal(), "0.0104 × 13 × 7 (binary: 0.9463999999999999)");
        assertEquals(0.9464, t.getTotalUsd());
    }

    @Test
    void estimateBySpecUsesSpotWhenAsked() {
        EstimateCostResponse r = catalog.estimateCost(EstimateCostRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion("us-central1").setSpec(spec(2, 8))
                .setSpot(true).setHours(10).build());
        assertTrue(r.getSpot());
        assertEquals(r.getOffer().getSpot().getUsdPerHour(), r.getHourlyPrice().getUsdPerHour(), 1e-12);
        assertEquals(r.getHourlyPrice().getUsdPerHour() * 10, r.getTotalUsd(), 1e-9);
        assertEquals(new java.math.BigDecimal(r.getHourlyPrice().getUsdPerHourDecimal()).multiply(
                java.math.BigDecimal.TEN).stripTrailingZeros(), new java.math.BigDecimal(r.getTotalUsdDecimal()));
    }

    @Test
    void estimateOfAnUnknownTypeOrBadHoursIsInvalid() {
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> catalog.estimateCost(
                EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1")
                        .setInstanceType("m99.gigantic").setHours(-5).setInstanceCount(-1).build()));
        assertEquals(Set.of("instance_type", "hours", "instance_count"), new HashSet<>(violatedFields(e)));
    }

    @Test
    void selectionWithoutAnyConfiguredProviderSaysSoInsteadOfGuessing() {
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> catalog.selectProvider(
                SelectProviderRequest.newBuilder().setSpec(spec(2, 4)).build()));
        assertEquals("NO_PROVIDER_CONFIGURED", errorInfo(e).getReason());
        assertEquals(5, preconditionFailure(e).getViolationsCount());
        assertTrue(preconditionFailure(e).getViolationsList().stream()
                .anyMatch(v -> v.getDescription().contains("VULTR_API_KEY")));
    }

    @Test
    void planningSelectionRanksEveryProviderByPrice() {
        SelectProviderResponse r = catalog.selectProvider(SelectProviderRequest.newBuilder().setSpec(spec(2, 4))
                .setPreferences(SelectionPreferences.newBuilder().setIncludeUnconfigured(true))
                .setMaxCandidates(500).build());
        assertTrue(r.getTotalCandidates() >= r.getCandidatesCount());
        Set<CloudProvider> seen = new HashSet<>();
        double last = 0;
        for (Candidate c : r.getCandidatesList()) {
            assertTrue(c.getEffectivePrice().getUsdPerHour() >= last, "ranked by price");
            last = c.getEffectivePrice().getUsdPerHour();
            assertTrue(c.getOffer().getInstanceType().getVcpus() >= 2);
            assertTrue(c.getOffer().getInstanceType().getMemoryGib() >= 4);
            assertSourced(c.getEffectivePrice());
            seen.add(c.getOffer().getInstanceType().getProvider());
        }
        assertEquals(5, seen.size(), "all five providers have a 2 vCPU / 4 GiB offer somewhere: " + seen);
        assertEquals(1, r.getCandidates(0).getRank());
        assertEquals("request", r.getPreferencesSource());
    }

    @Test
    void selectionReturnsTheCheapestFiveByDefaultAndRefusesMoreThanTheCap() {
        SelectProviderRequest.Builder req = SelectProviderRequest.newBuilder().setSpec(spec(2, 4))
                .setPreferences(SelectionPreferences.newBuilder().setIncludeUnconfigured(true));
        SelectProviderResponse dflt = catalog.selectProvider(req.build());
        SelectProviderResponse all = catalog.selectProvider(req.setMaxCandidates(500).build());
        assertEquals(5, dflt.getCandidatesCount(), "max_candidates 0 means 5");
        assertTrue(dflt.getTotalCandidates() > 5, "more satisfy the request: " + dflt.getTotalCandidates());
        assertEquals(all.getTotalCandidates(), dflt.getTotalCandidates());
        assertEquals(all.getCandidatesList().subList(0, 5), dflt.getCandidatesList(), "the same first five");

        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT,
                () -> catalog.selectProvider(req.setMaxCandidates(501).build()));
        assertEquals(Set.of("max_candidates"), Set.copyOf(violatedFields(e)));
    }

    @Test
    void priceSourceRefsNameEachSourceOnceAndOtherwiseAnswerTheSame() {
        SelectProviderRequest.Builder req = SelectProviderRequest.newBuilder().setSpec(spec(2, 4))
                .setPreferences(SelectionPreferences.newBuilder().setIncludeUnconfigured(true)).setMaxCandidates(20);
        SelectProviderResponse full = catalog.selectProvider(req.build());
        SelectProviderResponse refs = catalog.selectProvider(req.setPriceSourceRefs(true).build());
        assertEquals(0, full.getPriceSourcesCount(), "without the opt-in nothing changes");
        assertEquals(full.getCandidatesCount(), refs.getCandidatesCount());
        java.util.Map<String, io.cloudprovisioner.api.v1.PriceSource> byId = new java.util.HashMap<>();
        refs.getPriceSourcesList().forEach(ps -> assertEquals(null, byId.put(ps.getId(), ps), "listed once"));
        for (int i = 0; i < full.getCandidatesCount(); i++) {
            Candidate f = full.getCandidates(i);
            Candidate r = refs.getCandidates(i);
            for (io.cloudprovisioner.api.v1.Price[] pair : List.of(
                    new io.cloudprovisioner.api.v1.Price[] {f.getEffectivePrice(), r.getEffectivePrice()},
                    new io.cloudprovisioner.api.v1.Price[] {f.getOffer().getOnDemand(), r.getOffer().getOnDemand()})) {
                assertEquals(pair[0].getSource(), byId.get(pair[1].getSource().getId()), "the full source, by id");
                assertEquals(io.cloudprovisioner.api.v1.PriceSource.newBuilder().setId(pair[0].getSource().getId())
                        .build(), pair[1].getSource(), "only the id in the price");
                assertEquals(pair[0].toBuilder().clearSource().build(), pair[1].toBuilder().clearSource().build());
            }
            assertEquals(f.toBuilder().clearOffer().clearEffectivePrice().build(),
                    r.toBuilder().clearOffer().clearEffectivePrice().build());
        }
        assertTrue(refs.getSerializedSize() < full.getSerializedSize() / 2, refs.getSerializedSize() + " vs "
                + full.getSerializedSize());
    }

    @Test
    void selectionExplainsRejectedRegionsAndProviders() {
        SelectProviderResponse r = catalog.selectProvider(SelectProviderRequest.newBuilder()
                .setSpec(spec(4, 16).toBuilder().setRequireTee(true))
                .setPreferences(SelectionPreferences.newBuilder().setIncludeUnconfigured(true)
                        .setMaxHourlyCostUsd(0.05))
                .build());
        assertTrue(r.getRejectionsList().stream().anyMatch(j -> j.getReason().equals("TEE_UNSUPPORTED")
                && j.getProvider() == CloudProvider.CLOUD_PROVIDER_VULTR));
        assertTrue(r.getRejectionsList().stream().anyMatch(j -> j.getReason().equals("OVER_MAX_COST")));
        for (Candidate c : r.getCandidatesList()) {
            assertTrue(c.getEffectivePrice().getUsdPerHour() <= 0.05);
        }
    }

    @Test
    void listInstanceTypesPagesThroughEveryOfferOnce() {
        ListInstanceTypesRequest base = ListInstanceTypesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1").setPageSize(50)
                .setFilter(InstanceTypeFilter.newBuilder().setArchitecture(Architecture.ARCHITECTURE_ARM64)).build();
        Set<String> names = new HashSet<>();
        String token = "";
        int total = -1;
        int pages = 0;
        do {
            ListInstanceTypesResponse page = catalog.listInstanceTypes(base.toBuilder().setPageToken(token).build());
            total = page.getTotalSize();
            for (InstanceOffer o : page.getOffersList()) {
                assertEquals(Architecture.ARCHITECTURE_ARM64, o.getInstanceType().getArchitecture());
                assertTrue(names.add(o.getInstanceType().getName()), "listed twice: " + o.getInstanceType().getName());
            }
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 100);
        assertEquals(total, names.size());
        assertTrue(pages > 1, "more than one page");
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> catalog.listInstanceTypes(
                base.toBuilder().setPageToken("bm9wZQ").build()));
        assertEquals(java.util.List.of("page_token"), violatedFields(e));
    }

    @Test
    void discoveryFromTheCatalogWorksAndLiveDiscoveryNeedsCredentials() {
        var r = catalog.discoverMachineTypes(DiscoverMachineTypesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc1").build());
        assertFalse(r.getLive());
        assertTrue(r.getOffersCount() > 0);
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> catalog.discoverMachineTypes(
                DiscoverMachineTypesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                        .setRegion("nyc1").setLive(true).build()));
        assertEquals("PROVIDER_NOT_CONFIGURED", errorInfo(e).getReason());
        assertTrue(e.getStatus().getDescription().contains("DIGITALOCEAN_TOKEN"));
    }
}

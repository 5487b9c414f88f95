package io.cloudprovisioner.provider.digitalocean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.ListInstanceTypesRequest;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.LiveRefresh;
import io.cloudprovisioner.api.v1.LiveRefreshOutcome;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.api.v1.ProviderInfo;
import io.cloudprovisioner.api.v1.ProviderPreference;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.PriceRefresher;
import io.cloudprovisioner.catalog.RefreshStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live discovery from the stand-in's /v2/sizes, seen through the gRPC API: a size DigitalOcean starts listing
 * appears (with a region the bundled catalog lacks), a size it stops listing leaves the regions the listing covers,
 * a price change lands with its new as_of, garbage never enters, a failing listing keeps the last good catalog, a
 * repeated refresh changes nothing, and a listed size without a price is listed but never picked.
 */
@QuarkusTest
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class DigitalOceanDiscoveryTest {
    /** A size the bundled catalog does not have, in nyc3 and in atl1 (a region the bundled catalog does not have). */
    static final String NEW = "s-2vcpu-6gb-amd";

    @Inject
    PriceRefresher refresher;
    @Inject
    CatalogStore store;

    DigitalOceanStandIn standIn;
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub api;

    @BeforeEach
    void open() {
        standIn = DigitalOceanStandInResource.standIn();
        standIn.reset();
        refresher.forgetLivePrices();
        channel = GrpcTestSupport.channel();
        api = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        refresher.forgetLivePrices();
        assertEquals(List.of(), standIn.specViolations());
    }

    RefreshStatus refresh() {
        RefreshStatus s = refresher.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(DigitalOceanPrices.ID, s.sourceId());
        return s;
    }

    MapInstanceTypeResponse map(String region, double cpu, double memoryGb) {
        return api.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(region)
                .setSpec(ResourceSpec.newBuilder().setCpu(cpu).setMemoryGb(memoryGb)).build());
    }

    List<InstanceOffer> offers(String region) {
        return api.listInstanceTypes(ListInstanceTypesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(region).setPageSize(1000).build())
                .getOffersList();
    }

    boolean offered(String region, String type) {
        return offers(region).stream().anyMatch(o -> o.getInstanceType().getName().equals(type));
    }

    Price price(String type, String region) {
        return api.estimateCost(EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion(region).setInstanceType(type).setHours(1).setInstanceCount(1).build()).getHourlyPrice();
    }

    ProviderInfo info() {
        return api.listProviders(ListProvidersRequest.getDefaultInstance()).getProvidersList().stream()
                .filter(p -> p.getProvider() == CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).findFirst().orElseThrow();
    }

    @Test
    void aNewlyListedSizeAndRegionAppearAndAnswersChange() {
        assertFalse(offered("nyc3", NEW));
        assertFalse(info().getRegionsList().contains("atl1"));
        String before = map("nyc3", 2, 6).getOffer().getInstanceType().getName();
        assertNotEquals(NEW, before);

        standIn.listSize(NEW, 6144, 2, 90, 28.0, 0.04167, true, List.of("nyc3", "atl1"), 0);
        RefreshStatus s = refresh();
        assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString());
        assertTrue(s.discovery());
        assertEquals(1, s.addedTypes(), s.toString());

        assertTrue(offered("nyc3", NEW));
        assertTrue(info().getRegionsList().contains("atl1"), "a region the listing names is added");
        MapInstanceTypeResponse m = map("nyc3", 2, 6);
        assertEquals(NEW, m.getOffer().getInstanceType().getName(), "now the cheapest fit in nyc3: " + m);
        assertEquals(6.0, m.getOffer().getInstanceType().getMemoryGib(), 1e-9);
        assertEquals(DigitalOceanPrices.ID, m.getOffer().getInstanceType().getSpecSource());
        assertEquals(0.04167, m.getEffectivePrice().getUsdPerHour(), 1e-9);
        assertTrue(m.getEffectivePrice().getSource().getLive());
        assertEquals(NEW, map("atl1", 2, 6).getOffer().getInstanceType().getName());

        SelectProviderResponse sel = api.selectProvider(SelectProviderRequest.newBuilder()
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(6))
                .setPreferences(SelectionPreferences.newBuilder().setIncludeUnconfigured(true)
                        .addProviders(ProviderPreference.newBuilder()
                                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)))
                .setMaxCandidates(500).build());
        assertTrue(sel.getCandidatesList().stream().anyMatch(c -> c.getOffer().getInstanceType().getName()
                .equals(NEW) && c.getOffer().getRegion().equals("atl1")), sel.toString());
    }

    @Test
    void aSizeNoLongerListedLeavesTheRegionsTheListingCovers() {
        assertTrue(offered("nyc3", "c-2"));
        assertTrue(offered("sfo3", "c-2"));
        standIn.withdrawSize("c-2");
        RefreshStatus s = refresh();
        assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString());
        assertTrue(s.removedOffers() > 0, s.toString());
        assertFalse(offered("nyc3", "c-2"));
        assertFalse(offered("ams3", "c-2"));
        assertTrue(offered("sfo3", "c-2"), "sfo3 is named by no listed size: no evidence, its offers stay");
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> price("c-2", "nyc3"));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
        // an unavailable size (s-4vcpu-8gb) is not offered either
        assertFalse(offered("nyc3", "s-4vcpu-8gb"));
        assertNotEquals("c-2", map("nyc3", 2, 4).getOffer().getInstanceType().getName());
    }

    @Test
    void aPriceChangeLandsWithItsNewAsOfAndARepeatedRefreshIsHarmless() throws InterruptedException {
        refresh();
        Price first = price("s-1vcpu-1gb", "nyc3");
        assertEquals(0.00893, first.getUsdPerHour(), 1e-9);
        int offersAfterFirst = store.current().offerCount();
        List<InstanceOffer> listedAfterFirst = offers("nyc3");

        Thread.sleep(1100); // as_of has whole seconds
        RefreshStatus again = refresh();
        assertEquals(RefreshStatus.Outcome.OK, again.outcome());
        assertEquals(0, again.addedTypes());
        assertEquals(offersAfterFirst, store.current().offerCount(), "a repeated refresh adds and removes nothing");
        assertEquals(listedAfterFirst.stream().map(o -> o.getInstanceType().getName()).toList(),
                offers("nyc3").stream().map(o -> o.getInstanceType().getName()).toList());

        standIn.listSize("s-1vcpu-1gb", 1024, 1, 25, 8.0, 0.01190, true, List.of("nyc3", "ams3", "fra1"), 0);
        Thread.sleep(1100);
        refresh();
        Price changed = price("s-1vcpu-1gb", "nyc3");
        assertEquals(0.0119, changed.getUsdPerHour(), 1e-9);
        assertTrue(Instant.parse(changed.getSource().getAsOf()).isAfter(Instant.parse(first.getSource().getAsOf())),
                first.getSource().getAsOf() + " -> " + changed.getSource().getAsOf());
        assertEquals(0.0119, map("nyc3", 1, 1).getEffectivePrice().getUsdPerHour(), 1e-9);
    }

    @Test
    void garbageNeverEntersAndAnUnpricedSizeIsListedButNeverPicked() {
        standIn.faults().hostile("sizes.list", Hostile.GARBAGE_NUMBERS);
        standIn.listSize("s-2vcpu-6gb-unpriced", 6144, 2, 90, 0, 0, true, List.of("nyc3"), 0);
        RefreshStatus s = refresh();
        assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString());
        for (String g : List.of("s-garbage-cpu", "s-garbage-mem", "s-garbage-price")) {
            assertFalse(offered("nyc3", g), g);
            assertTrue(store.current().provider(Provider.DIGITALOCEAN).type(g).isEmpty(), g);
        }
        InstanceOffer unpriced = offers("nyc3").stream()
                .filter(o -> o.getInstanceType().getName().equals("s-2vcpu-6gb-unpriced")).findFirst().orElseThrow();
        assertFalse(unpriced.hasOnDemand(), unpriced.toString());
        // the only size in nyc3 with 2 vCPUs and 6 GB has no price: never picked
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> map("nyc3", 2, 6));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("PRICE_UNKNOWN"), e.getStatus().getDescription());
    }

    @Test
    void aFailingListingKeepsTheLastGoodCatalog() {
        standIn.listSize(NEW, 6144, 2, 90, 28.0, 0.04167, true, List.of("nyc3", "atl1"), 0);
        RefreshStatus good = refresh();
        assertEquals(RefreshStatus.Outcome.OK, good.outcome());
        int offers = store.current().offerCount();

        standIn.withdrawSize(NEW);
        standIn.faults().inject("sizes.list", Fault.SERVER_ERROR, 10);
        RefreshStatus failed = refresh();
        assertEquals(RefreshStatus.Outcome.FAILED, failed.outcome());
        assertTrue(failed.detail().startsWith("TRANSIENT"), failed.detail());
        assertEquals(good.lastSuccess(), failed.lastSuccess());
        assertEquals(offers, store.current().offerCount(), "the last good listing stays in force");
        assertTrue(offered("atl1", NEW));
        assertEquals(NEW, map("nyc3", 2, 6).getOffer().getInstanceType().getName());
        assertTrue(refresher.dataAge(Provider.DIGITALOCEAN).isPresent());

        // ListProviders says so: the source failed, why, and since when the last good listing is in force
        LiveRefresh shown = liveRefresh();
        assertEquals(LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_FAILED, shown.getOutcome());
        assertTrue(shown.getDiscovery());
        assertEquals(failed.detail(), shown.getLastError());
        assertEquals(good.lastSuccess().truncatedTo(ChronoUnit.SECONDS).toString(), shown.getLastSuccess());
        assertEquals(failed.lastAttempt().truncatedTo(ChronoUnit.SECONDS).toString(), shown.getLastAttempt());
        assertEquals(good.addedTypes(), shown.getAddedTypes());
        assertTrue(shown.getAddedTypes() >= 1, "the new size was added: " + shown);
        assertEquals(good.applied(), shown.getAppliedPrices());
    }

    LiveRefresh liveRefresh() {
        List<LiveRefresh> all = info().getLiveRefreshesList();
        assertEquals(1, all.size(), all.toString());
        assertEquals(DigitalOceanPrices.ID, all.get(0).getSource());
        return all.get(0);
    }

    @Test
    void listProvidersShowsEachLiveSourcesLastRefresh() {
        LiveRefresh before = liveRefresh();
        assertEquals(LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_NEVER, before.getOutcome());
        assertEquals("", before.getLastAttempt());
        assertEquals("", before.getLastSuccess());
        assertEquals("", before.getLastError());

        RefreshStatus s = refresh();
        LiveRefresh after = liveRefresh();
        assertEquals(LiveRefreshOutcome.LIVE_REFRESH_OUTCOME_OK, after.getOutcome());
        assertEquals("", after.getLastError());
        assertEquals(after.getLastAttempt(), after.getLastSuccess());
        assertEquals(s.lastSuccess().truncatedTo(ChronoUnit.SECONDS).toString(), after.getLastSuccess());
        assertTrue(after.getAppliedPrices() > 0, after.toString());
        assertEquals(s.applied(), after.getAppliedPrices());
        assertEquals(s.ignored(), after.getIgnoredPrices());
        assertEquals(s.removedOffers(), after.getRemovedOffers());
    }

    @Test
    void anErrorDetailFromTheProviderIsBounded() {
        RefreshStatus hostile = new RefreshStatus(Provider.DIGITALOCEAN, "x", Instant.EPOCH, null,
                RefreshStatus.Outcome.FAILED, "INVALID_REQUEST " + "\uD83D\uDE00".repeat(300), 0, 0, true, 0, 0, 0, 0);
        String shown = io.cloudprovisioner.api.CatalogGrpcServiceAccess.liveRefresh(hostile).getLastError();
        assertTrue(shown.length() <= 200, shown.length() + "");
        assertTrue(shown.endsWith("..."));
        assertFalse(Character.isHighSurrogate(shown.charAt(shown.length() - 4)), "no half surrogate pair");
        assertEquals("", io.cloudprovisioner.api.CatalogGrpcServiceAccess.liveRefresh(hostile).getLastSuccess());
    }
}

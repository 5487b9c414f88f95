package io.cloudprovisioner.provider.digitalocean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.EstimateCostResponse;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.PriceRefresher;
import io.cloudprovisioner.catalog.RefreshStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live DigitalOcean prices from the stand-in's /v2/sizes reach MapInstanceType and EstimateCost answers, marked live
 * with the fetch time; failures keep the bundled prices; listing changes (types added, retired) are in DigitalOceanDiscoveryTest.
 */
@QuarkusTest
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class DigitalOceanPricesTest {
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

    EstimateCostResponse estimate(String type, String region) {
        return api.estimateCost(EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion(region).setInstanceType(type).setHours(730).setInstanceCount(1).build());
    }

    @Test
    void refreshedPricesReachAnswersAsLiveWithTheirFetchTime() {
        EstimateCostResponse before = estimate("gpu-h100x1-80gb", "tor1");
        assertEquals(3.39, before.getHourlyPrice().getUsdPerHour(), 1e-9, "the bundled doctl capture's price");
        assertFalse(before.getHourlyPrice().getSource().getLive());
        assertEquals("do-sizes-doctl", before.getHourlyPrice().getSource().getId());

        Instant t0 = Instant.now().minusSeconds(1);
        List<RefreshStatus> st = refresher.refreshNow(Provider.DIGITALOCEAN);
        assertEquals(RefreshStatus.Outcome.OK, st.get(0).outcome(), st.toString());
        assertTrue(standIn.calls().stream().anyMatch(c -> c.operation().equals("sizes.list")));

        EstimateCostResponse after = estimate("gpu-h100x1-80gb", "tor1");
        Price p = after.getHourlyPrice();
        assertEquals(3.39, p.getUsdPerHour(), 1e-9);
        assertEquals(2522.16, p.getUsdPerMonth(), 1e-9);
        assertTrue(p.getSource().getLive());
        assertEquals(DigitalOceanPrices.ID, p.getSource().getId());
        assertTrue(p.getSource().getOrigin().startsWith("http://127.0.0.1:"), p.getSource().getOrigin());
        assertTrue(p.getSource().getOrigin().endsWith("/v2/sizes"));
        Instant asOf = Instant.parse(p.getSource().getAsOf());
        assertFalse(asOf.isBefore(t0.minusSeconds(1)), "as_of is the fetch time");
        assertTrue(Duration.between(asOf, Instant.now()).toMinutes() < 1);
        assertEquals(3.39 * 730, after.getTotalUsd(), 1e-6);

        MapInstanceTypeResponse m = api.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setSpec(ResourceSpec.newBuilder().setCpu(1).setMemoryGb(1)).build());
        assertEquals("s-1vcpu-1gb", m.getOffer().getInstanceType().getName());
        assertEquals(0.00893, m.getEffectivePrice().getUsdPerHour(), 1e-9);
        assertTrue(m.getEffectivePrice().getSource().getLive());
        assertEquals(p.getSource().getAsOf(), m.getEffectivePrice().getSource().getAsOf());

        // a region the stand-in does not list the size in keeps its bundled price
        EstimateCostResponse sfo = estimate("s-1vcpu-1gb", "sfo3");
        assertFalse(sfo.getHourlyPrice().getSource().getLive());
        assertEquals(0.00893, sfo.getHourlyPrice().getUsdPerHour(), 1e-6);
        assertEquals("do-sizes-doctl", sfo.getHourlyPrice().getSource().getId());
    }

    @Test
    void liveSizesConfirmInferredOffers() {
        // the bundled catalog offers c-2 and s-2vcpu-4gb in nyc3 only by inference (the doctl capture has no regions)
        var bundled = store.bundled().provider(Provider.DIGITALOCEAN).region("nyc3").orElseThrow();
        assertFalse(bundled.offer("c-2").availabilityConfirmed());
        assertFalse(bundled.offer("s-2vcpu-4gb").availabilityConfirmed());
        refresher.refreshNow(Provider.DIGITALOCEAN);
        var pc = store.current().provider(Provider.DIGITALOCEAN);
        var c2 = pc.region("nyc3").orElseThrow().offer("c-2");
        assertTrue(c2.availabilityConfirmed(), "/v2/sizes lists c-2 in nyc3");
        assertTrue(c2.onDemand().source().live());
        assertEquals(0.0625, c2.onDemand().usdPerHour(), 1e-9);
        assertTrue(pc.region("fra1").orElseThrow().offer("s-2vcpu-4gb").availabilityConfirmed());
        assertFalse(pc.region("sfo3").orElseThrow().offer("s-2vcpu-4gb").availabilityConfirmed(),
                "not listed live in sfo3: still inferred");
        RefreshStatus s = refresher.status(DigitalOceanPrices.ID).orElseThrow();
        assertEquals(0, s.ignored(), "every listed (size, region) is in the catalog: " + s);
        assertEquals(0, s.addedOffers(), "every listed (size, region) was already offered: " + s);
        // s-4vcpu-8gb is not available: it leaves nyc3, a region the listing covers (DigitalOceanDiscoveryTest)
        assertNull(pc.region("nyc3").orElseThrow().offer("s-4vcpu-8gb"));
    }

    @Test
    void failedFetchKeepsTheBundledPriceAndSaysWhyWithoutTheToken() {
        standIn.faults().inject("sizes.list", Fault.AUTH, 1);
        RefreshStatus s = refresher.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, s.outcome());
        assertTrue(s.detail().startsWith("AUTH"), s.detail());
        assertFalse(s.toString().contains(DigitalOceanStandInResource.TOKEN));
        assertNull(s.lastSuccess());
        Price p = estimate("gpu-h100x1-80gb", "tor1").getHourlyPrice();
        assertEquals(3.39, p.getUsdPerHour(), 1e-9);
        assertFalse(p.getSource().getLive());
        assertEquals("do-sizes-doctl", p.getSource().getId());

        refresher.refreshNow(Provider.DIGITALOCEAN);
        standIn.faults().inject("sizes.list", Fault.SERVER_ERROR, 10);
        RefreshStatus again = refresher.refreshNow(Provider.DIGITALOCEAN).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, again.outcome());
        assertTrue(again.detail().startsWith("TRANSIENT"), again.detail());
        Price kept = estimate("gpu-h100x1-80gb", "tor1").getHourlyPrice();
        assertEquals(3.39, kept.getUsdPerHour(), 1e-9, "the earlier live price stays after a failed refresh");
        assertTrue(kept.getSource().getLive());
    }
}

package io.cloudprovisioner.provider.vultr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.PriceRefresher;
import io.cloudprovisioner.catalog.RefreshStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.vultr.VultrStandIn;
import io.cloudprovisioner.harness.vultr.VultrStandInResource;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live Vultr prices from the stand-in's /plans: monthly_cost / 730, normalised, live, with the fetch time. */
@QuarkusTest
@QuarkusTestResource(value = VultrStandInResource.class, restrictToAnnotatedClass = true)
public class VultrPricesTest {
    @Inject
    PriceRefresher refresher;
    @Inject
    CatalogStore store;

    VultrStandIn standIn;
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub api;

    @BeforeEach
    void open() {
        standIn = VultrStandInResource.standIn();
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

    MapInstanceTypeResponse map(String region) {
        return api.mapInstanceType(MapInstanceTypeRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR)
                .setRegion(region).setSpec(ResourceSpec.newBuilder().setCpu(1).setMemoryGb(1)).build());
    }

    @Test
    void monthlyPlanPricesReachAnswersNormalisedAndLive() {
        standIn.monthlyCost("vc2-1c-1gb", 4);
        standIn.addPlan("vc2-1c-0.5gb-test", 1, 1024, 2, "vc2", List.of("ewr")); // unknown to the catalog
        Instant before = Instant.now().minusSeconds(2);
        RefreshStatus s = refresher.refreshNow(Provider.VULTR).get(0);
        assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString());

        MapInstanceTypeResponse m = map("ewr");
        assertEquals("vc2-1c-0.5gb-test", m.getOffer().getInstanceType().getName(),
                "live discovery adds the cheaper plan /plans lists");
        assertEquals(VultrPrices.ID, m.getOffer().getInstanceType().getSpecSource());
        assertEquals(2.0 / 730, m.getEffectivePrice().getUsdPerHour(), 1e-12);
        Price p = api.estimateCost(EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR)
                .setRegion("ewr").setInstanceType("vc2-1c-1gb").setHours(1).setInstanceCount(1).build())
                .getHourlyPrice();
        assertEquals(4.0 / 730, p.getUsdPerHour(), 1e-12);
        assertTrue(p.getNormalisedFromMonthly());
        assertEquals(4.0, p.getUsdPerMonth(), 1e-12);
        assertTrue(p.getSource().getLive());
        assertEquals(VultrPrices.ID, p.getSource().getId());
        assertTrue(p.getSource().getOrigin().endsWith("/v2/plans"), p.getSource().getOrigin());
        assertFalse(Instant.parse(p.getSource().getAsOf()).isBefore(before));

        // cdg is not in the plan's locations: bundled
        Price cdg = map("cdg").getEffectivePrice();
        assertFalse(cdg.getSource().getLive());
        assertEquals(5.0 / 730, cdg.getUsdPerHour(), 1e-5);
        assertNotNull(store.current().provider(Provider.VULTR).region("ewr").orElseThrow().offer("vc2-1c-0.5gb-test"));

        // a price rise lands
        standIn.monthlyCost("vc2-1c-1gb", 7);
        refresher.refreshNow(Provider.VULTR);
        double est = api.estimateCost(EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR)
                .setRegion("ewr").setInstanceType("vc2-1c-1gb").setHours(730).setInstanceCount(2).build())
                .getTotalUsd();
        assertEquals(14.0, est, 1e-9);
    }

    @Test
    void failedFetchKeepsTheBundledPrice() {
        standIn.faults().inject("plans.list", Fault.SERVER_ERROR, 10);
        RefreshStatus s = refresher.refreshNow(Provider.VULTR).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, s.outcome());
        assertTrue(s.detail().startsWith("TRANSIENT"), s.detail());
        assertFalse(s.toString().contains(VultrStandInResource.TOKEN));
        Price p = map("ewr").getEffectivePrice();
        assertFalse(p.getSource().getLive());
        assertEquals("vultr-plans-libcloud", p.getSource().getId());
    }
}

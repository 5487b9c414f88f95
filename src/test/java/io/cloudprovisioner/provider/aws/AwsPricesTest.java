package io.cloudprovisioner.provider.aws;

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
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceRefresher;
import io.cloudprovisioner.catalog.RefreshStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.aws.AwsStandIn;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
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

/**
 * Live AWS spot prices from the EC2 stand-in's DescribeSpotPriceHistory: latest price per (type, zone), lowest zone
 * per region, Linux/UNIX only, unknown types ignored, failures keep the bundled prices. Every request passes the
 * botocore-model validator.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
public class AwsPricesTest {
    @Inject
    PriceRefresher refresher;
    @Inject
    CatalogStore store;

    AwsStandIn standIn;
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub api;

    @BeforeEach
    void open() {
        standIn = AwsStandInResource.standIn();
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

    Offer offer(String type, String region) {
        return store.current().provider(Provider.AWS).region(region).orElseThrow().offer(type);
    }

    @Test
    void spotPricesReachAnswersAsLiveLatestPerZoneCheapestZone() {
        assertNull(offer("m5.large", "us-east-1").spot(), "the bundle has no AWS spot price here");
        Instant before = Instant.now().minusSeconds(2);
        RefreshStatus s = refresher.status(Provider.AWS).stream().filter(x -> x.sourceId().equals(AwsPrices.ID))
                .findFirst().orElseThrow();
        assertEquals(RefreshStatus.Outcome.NEVER, s.outcome());
        List<RefreshStatus> st = refresher.refreshNow(Provider.AWS);
        RefreshStatus ok = st.stream().filter(x -> x.sourceId().equals(AwsPrices.ID)).findFirst().orElseThrow();
        assertEquals(RefreshStatus.Outcome.OK, ok.outcome(), ok.toString());
        long calls = standIn.calls().stream().filter(c -> c.operation().equals("DescribeSpotPriceHistory")).count();
        assertEquals(3, calls, "us-east-1 takes two pages, eu-west-1 one");

        EstimateCostResponse spot = api.estimateCost(EstimateCostRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1").setInstanceType("m5.large")
                .setHours(100).setInstanceCount(1).setSpot(true).build());
        assertTrue(spot.getSpot());
        assertEquals(0.0387, spot.getHourlyPrice().getUsdPerHour(), 1e-12,
                "us-east-1b's latest 0.0387 beats 1a's latest 0.0412; older and Windows rows are ignored");
        assertTrue(spot.getHourlyPrice().getSource().getLive());
        assertEquals(AwsPrices.ID, spot.getHourlyPrice().getSource().getId());
        assertFalse(Instant.parse(spot.getHourlyPrice().getSource().getAsOf()).isBefore(before));
        assertEquals(3.87, spot.getTotalUsd(), 1e-9);
        // on-demand stays bundled
        assertEquals(0.096, offer("m5.large", "us-east-1").onDemand().usdPerHour(), 1e-12);
        assertFalse(offer("m5.large", "us-east-1").onDemand().source().live());

        assertEquals(0.0364, offer("m6i.large", "us-east-1").spot().usdPerHour(), 1e-12);
        assertEquals(0.0448, offer("m5.large", "eu-west-1").spot().usdPerHour(), 1e-12);
        assertEquals(0.0037, offer("t3.micro", "eu-west-1").spot().usdPerHour(), 1e-12);
        assertTrue(store.current().provider(Provider.AWS).type("zz9.mega").isEmpty());
        assertNull(store.current().provider(Provider.AWS).region("us-east-1").orElseThrow().offer("zz9.mega"));
        assertEquals(1, ok.ignored());

        MapInstanceTypeResponse m = api.mapInstanceType(MapInstanceTypeRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("eu-west-1")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(1).setAllowSpot(true)).build());
        assertEquals("t3.micro", m.getOffer().getInstanceType().getName());
        assertTrue(m.getSpot());
        assertEquals(0.0037, m.getEffectivePrice().getUsdPerHour(), 1e-12);
        assertTrue(m.getEffectivePrice().getSource().getLive());
    }

    @Test
    void failedFetchKeepsTheBundledPricesAndNeverShowsTheSecret() {
        // first attempt + 3 fault-tolerance retries, all 500
        standIn.faults().inject("DescribeSpotPriceHistory", Fault.SERVER_ERROR, 4);
        RefreshStatus s = refresher.refreshNow(Provider.AWS).stream()
                .filter(x -> x.sourceId().equals(AwsPrices.ID)).findFirst().orElseThrow();
        assertEquals(RefreshStatus.Outcome.FAILED, s.outcome());
        assertTrue(s.detail().startsWith("TRANSIENT"), s.detail());
        assertNull(offer("m5.large", "us-east-1").spot());
        assertNull(offer("m5.large", "eu-west-1").spot());

        standIn.faults().clear();
        standIn.faults().inject("DescribeSpotPriceHistory", Fault.AUTH, 2);
        RefreshStatus auth = refresher.refreshNow(Provider.AWS).stream()
                .filter(x -> x.sourceId().equals(AwsPrices.ID)).findFirst().orElseThrow();
        assertEquals(RefreshStatus.Outcome.FAILED, auth.outcome());
        assertTrue(auth.detail().startsWith("AUTH"), auth.detail());
        assertFalse(auth.toString().contains(AwsStandInResource.SECRET_ACCESS_KEY));
        assertNull(offer("m5.large", "us-east-1").spot());
    }

    @Test
    void aRegionRefusingTheCredentialsIsSkipped() {
        standIn.faults().inject("DescribeSpotPriceHistory", Fault.AUTH, 1); // eu-west-1 is asked first
        RefreshStatus s = refresher.refreshNow(Provider.AWS).stream()
                .filter(x -> x.sourceId().equals(AwsPrices.ID)).findFirst().orElseThrow();
        assertEquals(RefreshStatus.Outcome.OK, s.outcome());
        assertNull(offer("m5.large", "eu-west-1").spot());
        assertEquals(0.0387, offer("m5.large", "us-east-1").spot().usdPerHour(), 1e-12);
    }
}

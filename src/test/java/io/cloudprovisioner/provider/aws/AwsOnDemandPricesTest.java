package io.cloudprovisioner.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceRefresher;
import io.cloudprovisioner.catalog.RefreshStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.aws.AwsPricingStandIn;
import io.cloudprovisioner.harness.aws.AwsPricingStandInResource;
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
 * Live AWS on-demand prices from the Price List stand-in (GetProducts, SigV4 "pricing"), together with the spot
 * source on the EC2 stand-in: both apply to the same offers, each with its own source.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AwsPricingStandInResource.class, restrictToAnnotatedClass = true)
public class AwsOnDemandPricesTest {
    @Inject
    PriceRefresher refresher;
    @Inject
    CatalogStore store;

    AwsStandIn ec2;
    AwsPricingStandIn pricing;
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub api;

    @BeforeEach
    void open() {
        ec2 = AwsStandInResource.standIn();
        ec2.reset();
        pricing = AwsPricingStandInResource.standIn();
        pricing.reset();
        refresher.forgetLivePrices();
        channel = GrpcTestSupport.channel();
        api = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        refresher.forgetLivePrices();
        assertEquals(List.of(), pricing.specViolations());
        assertEquals(List.of(), ec2.specViolations());
    }

    Offer offer(String type, String region) {
        return store.current().provider(Provider.AWS).region(region).orElseThrow().offer(type);
    }

    RefreshStatus status(List<RefreshStatus> all) {
        return all.stream().filter(s -> s.sourceId().equals(AwsOnDemandPrices.ID)).findFirst().orElseThrow();
    }

    @Test
    void linuxSharedOnDemandPricesReachAnswersNextToLiveSpotPrices() {
        Instant before = Instant.now().minusSeconds(2);
        List<RefreshStatus> all = refresher.refreshNow(Provider.AWS);
        assertEquals(2, all.size());
        all.forEach(s -> assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString()));
        assertTrue(pricing.calls().size() >= 3, "us-east-1 spans pages: " + pricing.calls().size());

        Price od = api.estimateCost(EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                .setRegion("us-east-1").setInstanceType("m5.large").setHours(10).setInstanceCount(1).build())
                .getHourlyPrice();
        assertEquals(0.099, od.getUsdPerHour(), 1e-12, "Linux shared used capacity, not Windows/dedicated/reserved");
        assertTrue(od.getSource().getLive());
        assertEquals(AwsOnDemandPrices.ID, od.getSource().getId());
        assertEquals(pricing.baseUrl(), od.getSource().getOrigin());
        assertFalse(Instant.parse(od.getSource().getAsOf()).isBefore(before));
        Offer m5 = offer("m5.large", "us-east-1");
        assertEquals(0.0387, m5.spot().usdPerHour(), 1e-12);
        assertEquals(AwsPrices.ID, m5.spot().source().id());

        assertEquals(0.0965, offer("m6i.large", "us-east-1").onDemand().usdPerHour(), 1e-12);
        assertEquals(0.0118, offer("t3.micro", "eu-west-1").onDemand().usdPerHour(), 1e-12);
        // two different prices for c5.large: not guessed, the bundled one stays
        assertEquals(0.085, offer("c5.large", "us-east-1").onDemand().usdPerHour(), 1e-12);
        assertFalse(offer("c5.large", "us-east-1").onDemand().source().live());
        assertNull(store.current().provider(Provider.AWS).region("us-east-1").orElseThrow().offer("zz9.mega"));
        assertEquals(1, status(all).ignored());
    }

    @Test
    void failedPriceListKeepsBundledOnDemandWhileSpotStillRefreshes() {
        pricing.faults().inject(AwsPricingStandIn.OPERATION, Fault.AUTH, 1);
        List<RefreshStatus> all = refresher.refreshNow(Provider.AWS);
        RefreshStatus s = status(all);
        assertEquals(RefreshStatus.Outcome.FAILED, s.outcome());
        assertEquals("AUTH UnrecognizedClientException", s.detail());
        assertFalse(s.toString().contains(AwsStandInResource.SECRET_ACCESS_KEY));
        Offer m5 = offer("m5.large", "us-east-1");
        assertEquals(0.096, m5.onDemand().usdPerHour(), 1e-12);
        assertFalse(m5.onDemand().source().live());
        assertTrue(m5.spot().source().live(), "the spot source succeeded independently");

        pricing.faults().inject(AwsPricingStandIn.OPERATION, Fault.SERVER_ERROR, 1);
        assertEquals(RefreshStatus.Outcome.OK, status(refresher.refreshNow(Provider.AWS)).outcome(),
                "one 500 is retried");
        assertEquals(0.099, offer("m5.large", "us-east-1").onDemand().usdPerHour(), 1e-12);
    }
}

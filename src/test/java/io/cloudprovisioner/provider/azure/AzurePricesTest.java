package io.cloudprovisioner.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.EstimateCostRequest;
import io.cloudprovisioner.api.v1.EstimateCostResponse;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.PriceRefresher;
import io.cloudprovisioner.catalog.RefreshStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.azure.AzureRetailPricesStandIn;
import io.cloudprovisioner.harness.azure.AzureRetailPricesStandInResource;
import io.cloudprovisioner.provider.ProviderException;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live Azure prices from the Retail Prices stand-in: Linux consumption meters become on-demand prices, Spot meters
 * spot prices; Windows, Low Priority, DevTest and reservation meters and unknown SKUs are ignored; paging follows
 * NextPageLink on the same host only; failures keep the bundled prices.
 */
@QuarkusTest
@QuarkusTestResource(value = AzureRetailPricesStandInResource.class, restrictToAnnotatedClass = true)
public class AzurePricesTest {
    @Inject
    PriceRefresher refresher;
    @Inject
    CatalogStore store;

    AzureRetailPricesStandIn standIn;
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub api;

    @BeforeEach
    void open() {
        standIn = AzureRetailPricesStandInResource.standIn();
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

    EstimateCostResponse estimate(String type, String region, boolean spot) {
        return api.estimateCost(EstimateCostRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                .setRegion(region).setInstanceType(type).setHours(10).setInstanceCount(1).setSpot(spot).build());
    }

    @Test
    void linuxConsumptionAndSpotMetersBecomeLivePrices() {
        Instant before = Instant.now().minusSeconds(2);
        RefreshStatus s = refresher.refreshNow(Provider.AZURE).get(0);
        assertEquals(RefreshStatus.Outcome.OK, s.outcome(), s.toString());
        assertTrue(standIn.calls().size() >= 4, "eastus spans several pages: " + standIn.calls().size());
        assertTrue(standIn.calls().stream().allMatch(c -> c.query().contains("priceType%20eq%20%27Consumption%27")
                || c.query().contains("priceType eq 'Consumption'")), standIn.calls().toString());

        Price od = estimate("Standard_D2s_v3", "eastus", false).getHourlyPrice();
        assertEquals(0.0912, od.getUsdPerHour(), 1e-12, "the Linux meter, not Windows 0.188 nor DevTest 0.05");
        assertTrue(od.getSource().getLive());
        assertEquals(AzurePrices.ID, od.getSource().getId());
        assertEquals(standIn.baseUrl(), od.getSource().getOrigin());
        assertFalse(Instant.parse(od.getSource().getAsOf()).isBefore(before));
        assertFalse(od.getNormalisedFromMonthly());

        EstimateCostResponse spot = estimate("Standard_D2s_v3", "eastus", true);
        assertTrue(spot.getSpot());
        assertEquals(0.0113, spot.getHourlyPrice().getUsdPerHour(), 1e-12, "Linux Spot, not Low Priority 0.0192");
        assertTrue(spot.getHourlyPrice().getSource().getLive());
        assertEquals(0.113, spot.getTotalUsd(), 1e-9);

        assertEquals(0.0931, estimate("Standard_D2s_v3", "westus2", false).getHourlyPrice().getUsdPerHour(), 1e-12);
        assertEquals(0.0121, estimate("Standard_D2s_v3", "westus2", true).getHourlyPrice().getUsdPerHour(), 1e-12);
        assertEquals(0.0108, estimate("Standard_B1s", "eastus", false).getHourlyPrice().getUsdPerHour(), 1e-12);

        // regions not read keep their bundled prices; the unknown SKU is not added
        Price other = estimate("Standard_D2s_v3", "eastus2", false).getHourlyPrice();
        assertFalse(other.getSource().getLive());
        assertEquals(0.096, other.getUsdPerHour(), 1e-12);
        var pc = store.current().provider(Provider.AZURE);
        assertTrue(pc.type("Standard_Z9x_v9").isEmpty());
        assertNull(pc.region("eastus").orElseThrow().offer("Standard_Z9x_v9"));
        assertEquals(store.bundled().offerCount(), store.current().offerCount());
        RefreshStatus after = refresher.status(AzurePrices.ID).orElseThrow();
        assertEquals(3, after.applied(), after.toString());
        assertEquals(1, after.ignored(), after.toString());
    }

    @Test
    void failedFetchKeepsTheBundledPrices() {
        standIn.faults().inject(AzureRetailPricesStandIn.OPERATION, Fault.SERVER_ERROR, 2);
        RefreshStatus s = refresher.refreshNow(Provider.AZURE).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, s.outcome());
        assertEquals("TRANSIENT http_500", s.detail());
        assertFalse(s.toString().contains(AzureRetailPricesStandInResource.FAKE_SECRET));
        Price p = estimate("Standard_D2s_v3", "eastus", false).getHourlyPrice();
        assertEquals(0.096, p.getUsdPerHour(), 1e-12);
        assertFalse(p.getSource().getLive());
        Price spot = estimate("Standard_D2s_v3", "eastus", true).getHourlyPrice();
        assertEquals(0.01056, spot.getUsdPerHour(), 1e-12);
        assertEquals("azure-spot-skypilot", spot.getSource().getId());
    }

    @Test
    void oneTransientPageErrorIsRetried() {
        standIn.faults().inject(AzureRetailPricesStandIn.OPERATION, Fault.THROTTLE, 1);
        assertEquals(RefreshStatus.Outcome.OK, refresher.refreshNow(Provider.AZURE).get(0).outcome());
        assertTrue(estimate("Standard_D2s_v3", "eastus", false).getHourlyPrice().getSource().getLive());
    }

    @Test
    void nextPageLinkToAnotherHostIsNotFollowed() {
        standIn.nextLinkBase("http://203.0.113.9/api/retail/prices");
        RefreshStatus s = refresher.refreshNow(Provider.AZURE).get(0);
        assertEquals(RefreshStatus.Outcome.FAILED, s.outcome());
        assertEquals("INVALID_REQUEST foreign_next_link", s.detail());
        assertFalse(estimate("Standard_D2s_v3", "eastus", false).getHourlyPrice().getSource().getLive());

        URI base = URI.create("https://prices.azure.com/api/retail/prices");
        assertEquals(443, AzurePrices.sameService(base,
                "https://prices.azure.com:443/api/retail/prices?$skip=100").getPort());
        assertThrows(ProviderException.class, () -> AzurePrices.sameService(base, "http://prices.azure.com/x"));
        assertThrows(ProviderException.class, () -> AzurePrices.sameService(base, "https://evil.example/x"));
    }
}

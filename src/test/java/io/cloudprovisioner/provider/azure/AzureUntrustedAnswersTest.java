package io.cloudprovisioner.provider.azure;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.azure.AzureStandIn;
import io.cloudprovisioner.harness.azure.AzureStandInResource;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.ProvisionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Azure answers are untrusted input: a nextLink that repeats or never ends fails UNAVAILABLE at once, a nextLink that
 * answers 404 never turns a listing into NOT_FOUND (ListInstances: UNAVAILABLE, as a partial list of instances would
 * read as vanished ones; machine types: the partial list), a VM whose resource id names another subscription is not
 * listed, duplicated and impossible entries are dropped, and the token scope of a custom endpoint has one slash.
 */
@QuarkusTest
@QuarkusTestResource(value = AzureStandInResource.class, restrictToAnnotatedClass = true)
public class AzureUntrustedAnswersTest {
    @Inject
    AzureAdapter adapter;
    @Inject
    AzureSettings settings;
    @Inject
    io.cloudprovisioner.provider.NetworkSettings network;
    @Inject
    org.eclipse.microprofile.config.Config config;
    @Inject
    io.cloudprovisioner.provider.ProviderGuards guards;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    AzureStandIn standIn;

    @BeforeEach
    void open() {
        standIn = AzureStandInResource.standIn();
        standIn.reset();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        standIn.faults().clear();
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "spec violations");
    }

    ListInstancesRequest listRequest() {
        return ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).build();
    }

    Instance provision(String id) {
        return adapter.provision(new ProvisionRequest("Standard_B2s", "eastus", "", false, false, id, Map.of(), 40));
    }

    @Test
    void aRepeatedNextLinkEndsTheListingUnavailableAtOnce() {
        standIn.faults().hostile("virtualMachines.listAll", Hostile.REPEAT_CURSOR);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        ErrorInfo info = errorInfo(e);
        assertEquals("azure", info.getMetadataOrThrow("provider"));
        assertEquals("repeated_page_cursor", info.getMetadataOrThrow("provider_code"));
        assertEquals(2, standIn.calls("virtualMachines.listAll").size(), "no retry of a deterministic answer");
    }

    @Test
    void aNextLinkThatNeverEndsStopsAtThePageCap() {
        standIn.faults().hostile("virtualMachines.listAll", Hostile.ENDLESS_PAGES);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertEquals("page_cap_exceeded", errorInfo(e).getMetadataOrThrow("provider_code"));
        assertEquals(40, standIn.calls("virtualMachines.listAll").size());
    }

    @Test
    void aNextLinkAnswering404IsNeverNotFound() {
        standIn.faults().hostile("virtualMachines.listAll", Hostile.BROKEN_NEXT_LINK)
                .hostile("virtualMachineSizes.list", Hostile.BROKEN_NEXT_LINK);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertEquals("NextLinkFailed", errorInfo(e).getMetadataOrThrow("provider_code"));
        // Machine types: the first page is kept (a partial list only offers less).
        List<String> sizes = adapter.discoverTypes("eastus").stream().map(DiscoveredType::name).toList();
        assertTrue(sizes.contains("Standard_B2s"), sizes.toString());
    }

    @Test
    void aVmOfAnotherSubscriptionAndDuplicatesAreNotListed() {
        Instance mine = provision("az-untrusted-1");
        standIn.faults().hostile("virtualMachines.listAll", Hostile.FOREIGN_ID)
                .hostile("virtualMachines.listAll", Hostile.DUPLICATES);
        List<String> ids = adapter.listManaged("").stream().map(Instance::id).toList();
        assertEquals(List.of(mine.id()), ids);
    }

    @Test
    void sizesWithImpossibleFiguresAreDropped() {
        standIn.faults().hostile("virtualMachineSizes.list", Hostile.GARBAGE_NUMBERS);
        List<String> sizes = adapter.discoverTypes("eastus").stream().map(DiscoveredType::name).toList();
        assertFalse(sizes.contains("Standard_Garbage_v1"), sizes.toString());
        assertTrue(sizes.contains("Standard_B2s"), sizes.toString());
    }

    @Test
    void theTokenScopeOfACustomEndpointHasOneSlash() {
        // A second credential set (another client id) makes azure-identity ask the token endpoint again.
        AzureClients other = new AzureClients(settings, name -> name.equals("AZURE_CLIENT_ID")
                ? java.util.Optional.of("77777777-2222-3333-4444-555555555555")
                : io.cloudprovisioner.provider.ConfigLookup.of(config).get(name));
        new AzureAdapter(other, settings, network, config, guards).listManaged("");
        String wanted = standIn.baseUrl() + "/.default";
        List<String> bodies = standIn.tokenRequests();
        assertFalse(bodies.isEmpty());
        for (String body : bodies) {
            List<String> scopes = java.util.Arrays.stream(body.split("&")).filter(p -> p.startsWith("scope="))
                    .flatMap(p -> java.util.Arrays.stream(URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8)
                            .split(" "))).toList();
            assertTrue(scopes.contains(wanted), scopes + " should contain " + wanted);
        }
    }
}

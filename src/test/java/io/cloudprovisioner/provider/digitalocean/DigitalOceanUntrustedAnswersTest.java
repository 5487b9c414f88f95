package io.cloudprovisioner.provider.digitalocean;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DigitalOcean answers are untrusted input: a listing whose links.pages.next repeats or never ends fails UNAVAILABLE
 * at once (no retry, no hang), duplicated and impossible entries are dropped, a droplet a tag filter returns without
 * the tag is never adopted, and ListInstances lists the droplets once. Page size 2 and the test page cap of 40.
 */
@QuarkusTest
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class DigitalOceanUntrustedAnswersTest {
    static final String REGION = "nyc3";

    @Inject
    DigitalOceanAdapter adapter;
    @Inject
    DigitalOceanPrices prices;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    DigitalOceanStandIn standIn;

    @BeforeEach
    void open() {
        standIn = DigitalOceanStandInResource.standIn();
        standIn.reset();
        adapter.forgetCachedIds();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        standIn.faults().clear();
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "requests that break DigitalOcean's OpenAPI description");
    }

    ListInstancesRequest listRequest() {
        return ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build();
    }

    long plantManaged(String requestId) {
        return standIn.plant("cp-" + requestId, REGION, "s-1vcpu-1gb", List.of(ManagedLabels.managedTag(),
                ManagedLabels.requestTag(requestId)), Instant.now().minus(Duration.ofHours(1)));
    }

    @Test
    void aRepeatedNextLinkEndsTheListingUnavailableAtOnceWithoutRetries() {
        plantManaged("rep-1");
        standIn.faults().hostile("droplets.list", Hostile.REPEAT_CURSOR);
        long start = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not a hang");
        ErrorInfo info = errorInfo(e);
        assertEquals("digitalocean", info.getMetadataOrThrow("provider"));
        assertEquals("repeated_page_cursor", info.getMetadataOrThrow("provider_code"));
        assertEquals("false", info.getMetadataOrThrow("retryable"));
        assertTrue(e.getStatus().getDescription().startsWith("DigitalOcean"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("page 2 names a next-page cursor an earlier page"));
        // page 1 names page 2, page 2 names page 2 again: two requests, and the guard did not repeat them
        assertEquals(2, standIn.calls("droplets.list").size());
    }

    @Test
    void aListingThatNeverEndsStopsAtThePageCap() {
        standIn.faults().hostile("droplets.list", Hostile.ENDLESS_PAGES);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertEquals("page_cap_exceeded", errorInfo(e).getMetadataOrThrow("provider_code"));
        assertTrue(e.getStatus().getDescription().contains("40 pages"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("cloudprovisioner.digitalocean.provider-answers.max-pages"));
        assertEquals(40, standIn.calls("droplets.list").size());
    }

    @Test
    void duplicatedDropletsAndSizesAreListedOnce() {
        long a = plantManaged("dup-1");
        long b = plantManaged("dup-2");
        standIn.faults().hostile("droplets.list", Hostile.DUPLICATES).hostile("sizes.list", Hostile.DUPLICATES);
        List<String> ids = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).sorted().toList();
        assertEquals(List.of(Long.toString(a), Long.toString(b)), ids);
        List<String> slugs = adapter.discoverTypes(REGION).stream().map(DiscoveredType::name).toList();
        assertEquals(slugs.stream().distinct().toList(), slugs);
        assertTrue(slugs.contains("s-1vcpu-1gb"));
    }

    @Test
    void sizesWithImpossibleFiguresAreDroppedAndTheOthersKept() {
        standIn.faults().hostile("sizes.list", Hostile.GARBAGE_NUMBERS);
        List<String> slugs = adapter.discoverTypes(REGION).stream().map(DiscoveredType::name).toList();
        assertFalse(slugs.stream().anyMatch(s -> s.startsWith("s-garbage")), slugs.toString());
        assertTrue(slugs.containsAll(List.of("s-1vcpu-1gb", "s-2vcpu-4gb", "c-2")), slugs.toString());
        List<LivePrice> live = prices.fetch(Set.of(REGION));
        assertFalse(live.stream().anyMatch(p -> p.instanceType().startsWith("s-garbage")), live.toString());
        assertTrue(live.stream().anyMatch(p -> p.instanceType().equals("s-1vcpu-1gb")));
    }

    @Test
    void aDropletTheTagFilterReturnsWithoutTheTagIsNotAdopted() {
        long foreign = plantManaged("someone-else");
        long unmanaged = standIn.plant("not-ours", REGION, "s-1vcpu-1gb", List.of("web"),
                Instant.now().minus(Duration.ofHours(1)));
        standIn.faults().hostile("droplets.list", Hostile.FOREIGN_UNDER_FILTER);
        String id = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION)
                .setInstanceType("s-1vcpu-1gb").setClientRequestId("mine-1").build()).getInstance().getId();
        assertNotEquals(Long.toString(foreign), id);
        assertEquals(1, standIn.calls("droplets.create").size(), "created, not adopted");
        List<String> listed = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).toList();
        assertFalse(listed.contains(Long.toString(unmanaged)), "a droplet without the managed tag is not listed");
        assertTrue(listed.contains(id));
    }

    @Test
    void listInstancesListsTheDropletsOnce() {
        String id = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION)
                .setInstanceType("s-1vcpu-1gb").setClientRequestId("once-1").build()).getInstance().getId();
        api.terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION).setInstanceId(id).build());
        // The ledger knows nyc3, where no droplet is left: one account-wide listing still covers it.
        int before = standIn.calls("droplets.list").size();
        assertEquals(List.of(), api.listInstances(listRequest()).getInstancesList());
        assertEquals(1, standIn.calls("droplets.list").size() - before, "one droplets.list request (page size 2)");
    }
}

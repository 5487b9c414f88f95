package io.cloudprovisioner.provider.vultr;

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
import io.cloudprovisioner.harness.vultr.VultrStandIn;
import io.cloudprovisioner.harness.vultr.VultrStandInResource;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vultr answers are untrusted input: a listing whose meta.links.next cursor repeats or never ends fails UNAVAILABLE at
 * once (no retry, no hang), duplicated and impossible entries are dropped, an instance a tag filter returns without
 * the tag is never adopted, and ListInstances lists the instances once. Page size 2 and the test page cap of 40.
 */
@QuarkusTest
@QuarkusTestResource(value = VultrStandInResource.class, restrictToAnnotatedClass = true)
public class VultrUntrustedAnswersTest {
    static final String REGION = "ewr";

    @Inject
    VultrAdapter adapter;
    @Inject
    VultrPrices prices;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    VultrStandIn standIn;

    @BeforeEach
    void open() {
        standIn = VultrStandInResource.standIn();
        standIn.reset();
        adapter.forgetCachedIds();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        standIn.faults().clear();
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "requests that break Vultr's OpenAPI description");
    }

    ListInstancesRequest listRequest() {
        return ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).build();
    }

    String provision(String requestId) {
        return api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion(REGION).setInstanceType("vc2-1c-1gb")
                .setClientRequestId(requestId).build()).getInstance().getId();
    }

    @Test
    void aRepeatedNextLinkEndsTheListingUnavailableAtOnceWithoutRetries() {
        provision("rep-1");
        int before = standIn.calls("instances.list").size();
        standIn.faults().hostile("instances.list", Hostile.REPEAT_CURSOR);
        long start = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not a hang");
        ErrorInfo info = errorInfo(e);
        assertEquals("vultr", info.getMetadataOrThrow("provider"));
        assertEquals("repeated_page_cursor", info.getMetadataOrThrow("provider_code"));
        assertEquals("false", info.getMetadataOrThrow("retryable"));
        assertTrue(e.getStatus().getDescription().startsWith("Vultr"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("page 2 names a next-page cursor an earlier page"));
        // page 1 names cursor "2", page 2 names it again: two requests, and the guard did not repeat them
        assertEquals(2, standIn.calls("instances.list").size() - before);
    }

    @Test
    void aListingThatNeverEndsStopsAtThePageCap() {
        standIn.faults().hostile("instances.list", Hostile.ENDLESS_PAGES);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertEquals("page_cap_exceeded", errorInfo(e).getMetadataOrThrow("provider_code"));
        assertTrue(e.getStatus().getDescription().contains("40 pages"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("cloudprovisioner.vultr.provider-answers.max-pages"));
        assertEquals(40, standIn.calls("instances.list").size());
    }

    @Test
    void duplicatedInstancesAndPlansAreListedOnce() {
        String a = provision("dup-1");
        String b = provision("dup-2");
        standIn.faults().hostile("instances.list", Hostile.DUPLICATES).hostile("plans.list", Hostile.DUPLICATES);
        List<String> ids = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).sorted().toList();
        assertEquals(java.util.stream.Stream.of(a, b).sorted().toList(), ids);
        List<String> slugs = adapter.discoverTypes(REGION).stream().map(DiscoveredType::name).toList();
        assertEquals(slugs.stream().distinct().toList(), slugs);
        assertTrue(slugs.contains("vc2-1c-1gb"));
    }

    @Test
    void plansWithImpossibleFiguresAreDroppedAndTheOthersKept() {
        standIn.faults().hostile("plans.list", Hostile.GARBAGE_NUMBERS);
        List<String> slugs = adapter.discoverTypes(REGION).stream().map(DiscoveredType::name).toList();
        assertFalse(slugs.stream().anyMatch(s -> s.startsWith("vc2-garbage")), slugs.toString());
        assertTrue(slugs.containsAll(List.of("vc2-1c-1gb", "vc2-2c-4gb")), slugs.toString());
        List<LivePrice> live = prices.fetch(Set.of(REGION));
        assertFalse(live.stream().anyMatch(p -> p.instanceType().startsWith("vc2-garbage")), live.toString());
        assertTrue(live.stream().anyMatch(p -> p.instanceType().equals("vc2-1c-1gb")));
    }

    @Test
    void anInstanceTheTagFilterReturnsWithoutTheTagIsNotAdopted() {
        String foreign = provision("someone-else");
        standIn.faults().hostile("instances.list", Hostile.FOREIGN_UNDER_FILTER);
        String id = provision("mine-1");
        assertNotEquals(foreign, id);
        assertEquals(2, standIn.calls("instances.create").size(), "created, not adopted");
        assertEquals(2, standIn.liveInstances());
    }

    @Test
    void listInstancesListsTheInstancesOnce() {
        String id = provision("once-1");
        api.terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion(REGION).setInstanceId(id).build());
        // The ledger knows ewr, where no instance is left: one account-wide listing still covers it.
        int before = standIn.calls("instances.list").size();
        assertEquals(List.of(), api.listInstances(listRequest()).getInstancesList());
        assertEquals(1, standIn.calls("instances.list").size() - before, "one instances.list request (page size 2)");
    }
}

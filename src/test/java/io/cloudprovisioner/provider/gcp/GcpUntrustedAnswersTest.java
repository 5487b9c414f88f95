package io.cloudprovisioner.provider.gcp;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.DiscoverMachineTypesRequest;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileFinding;
import io.cloudprovisioner.api.v1.ReconcileFindingKind;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.StandIn.RecordedCall;
import io.cloudprovisioner.harness.gcp.GcpStandIn;
import io.cloudprovisioner.harness.gcp.GcpStandInResource;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.UntrustedAnswerException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compute Engine answers are untrusted input: an instances.aggregatedList or machineTypes.list whose nextPageToken
 * repeats or never ends fails UNAVAILABLE at once (no retry, no hang), duplicated and impossible entries are dropped,
 * an instance a label or name filter returns without the managed-by label is neither listed, nor counted by
 * Reconcile, nor adopted, and an instance found by the request's name without the request's labels is refused
 * (name_taken). The test page cap is 40.
 */
@QuarkusTest
@QuarkusTestResource(value = GcpStandInResource.class, restrictToAnnotatedClass = true)
public class GcpUntrustedAnswersTest {
    static final String REGION = "us-central1";
    static final String ZONE = "us-central1-a";
    static boolean warmedUp;

    @Inject
    GcpAdapter adapter;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    GcpStandIn standIn;

    @BeforeEach
    void open() {
        standIn = GcpStandInResource.standIn();
        if (!warmedUp) {
            // The JVM's first call (client creation, token exchange) can outlast the test profile's short timeouts.
            adapter.listManaged("");
            warmedUp = true;
        }
        standIn.reset();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        catalog = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        standIn.faults().clear();
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "requests that break the Compute v1 description");
    }

    ListInstancesRequest listRequest() {
        return ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).build();
    }

    DiscoverMachineTypesRequest discoverRequest() {
        return DiscoverMachineTypesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP)
                .setRegion(REGION).setLive(true).build();
    }

    List<String> discovered() {
        return catalog.discoverMachineTypes(discoverRequest()).getOffersList().stream()
                .map(o -> o.getInstanceType().getName()).toList();
    }

    ProvisionInstanceRequest provisionRequest(String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION)
                .setInstanceType("e2-standard-2").setClientRequestId(requestId).build();
    }

    String plantManaged(String requestId) {
        return standIn.plant(ZONE, GcpAdapter.instanceName(requestId), "e2-standard-2",
                ManagedLabels.forRequest(requestId, Map.of()));
    }

    static void assertUntrusted(StatusRuntimeException e, String code) {
        ErrorInfo info = errorInfo(e);
        assertEquals("gcp", info.getMetadataOrThrow("provider"));
        assertEquals(code, info.getMetadataOrThrow("provider_code"));
        assertEquals("false", info.getMetadataOrThrow("retryable"));
        assertTrue(e.getStatus().getDescription().startsWith("Google Compute Engine"), e.getStatus().getDescription());
    }

    static String pageToken(RecordedCall c) {
        return GcpStandIn.parseQuery(c.query()).getOrDefault("pageToken", List.of()).stream().findFirst()
                .orElse(null);
    }

    @Test
    void aRepeatedPageTokenEndsTheListingUnavailableAtOnceWithoutRetries() {
        plantManaged("rep-1");
        standIn.faults().hostile("instances.aggregatedList", Hostile.REPEAT_CURSOR);
        long start = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not a hang");
        assertUntrusted(e, UntrustedAnswerException.REPEATED_CURSOR);
        assertTrue(e.getStatus().getDescription().contains("page 2 names a next-page cursor an earlier page"));
        // page 1 names tok-0-2, page 2 names it again: two requests, and neither gax nor the guard repeated them
        List<RecordedCall> calls = standIn.calls("instances.aggregatedList");
        assertEquals(2, calls.size());
        assertEquals(null, pageToken(calls.get(0)));
        assertEquals("tok-0-2", pageToken(calls.get(1)));

        standIn.faults().clear();
        standIn.faults().hostile("machineTypes.list", Hostile.REPEAT_CURSOR);
        StatusRuntimeException d = expect(Status.Code.UNAVAILABLE, () -> catalog.discoverMachineTypes(
                discoverRequest()));
        assertUntrusted(d, UntrustedAnswerException.REPEATED_CURSOR);
        assertTrue(d.getStatus().getDescription().contains("machine types in " + ZONE), d.getStatus()
                .getDescription());
        assertEquals(2, standIn.calls("machineTypes.list").size(), "the first zone's listing, twice, then no more");
    }

    @Test
    void aListingThatNeverEndsStopsAtThePageCap() {
        standIn.faults().hostile("instances.aggregatedList", Hostile.ENDLESS_PAGES);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertUntrusted(e, UntrustedAnswerException.PAGE_CAP);
        assertTrue(e.getStatus().getDescription().contains("40 pages"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("cloudprovisioner.gcp.provider-answers.max-pages"));
        List<RecordedCall> calls = standIn.calls("instances.aggregatedList");
        assertEquals(40, calls.size());
        assertEquals(39, calls.stream().map(GcpUntrustedAnswersTest::pageToken).filter(t -> t != null).distinct()
                .count(), "a fresh nextPageToken on every page");

        standIn.faults().clear();
        standIn.faults().hostile("machineTypes.list", Hostile.ENDLESS_PAGES);
        StatusRuntimeException d = expect(Status.Code.UNAVAILABLE, () -> catalog.discoverMachineTypes(
                discoverRequest()));
        assertUntrusted(d, UntrustedAnswerException.PAGE_CAP);
        assertEquals(40, standIn.calls("machineTypes.list").size());
    }

    @Test
    void duplicatedInstancesAndMachineTypesAreListedOnce() {
        String a = plantManaged("dup-1");
        String b = plantManaged("dup-2");
        standIn.faults().hostile("instances.aggregatedList", Hostile.DUPLICATES)
                .hostile("machineTypes.list", Hostile.DUPLICATES);
        assertEquals(List.of(a, b), adapter.listManaged(REGION).stream().map(Instance::id).sorted().toList());
        List<String> ids = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).sorted().toList();
        assertEquals(List.of(a, b), ids);
        List<String> types = discovered();
        assertEquals(types.stream().distinct().toList(), types);
        assertTrue(types.containsAll(List.of("e2-standard-2", "n2d-standard-2", "a2-highgpu-1g")), types.toString());
    }

    @Test
    void machineTypesWithImpossibleFiguresAreDroppedAndTheOthersKept() {
        standIn.faults().hostile("machineTypes.list", Hostile.GARBAGE_NUMBERS);
        List<String> types = discovered();
        assertFalse(types.stream().anyMatch(t -> t.contains("garbage")), types.toString());
        assertTrue(types.containsAll(List.of("e2-standard-2", "n2-standard-2", "c3-standard-4", "a2-highgpu-1g")),
                types.toString());
    }

    @Test
    void anInstanceTheFiltersReturnWithoutTheManagedLabelIsNotListedNorCountedNorAdopted() {
        String other = plantManaged("someone-else");
        String unmanaged = standIn.plant(ZONE, "not-ours", "e2-standard-2", Map.of("team", "web"));
        standIn.faults().hostile("instances.aggregatedList", Hostile.FOREIGN_UNDER_FILTER);
        // the name filter returns every instance: none of them is this request's
        String id = api.provisionInstance(provisionRequest("mine-1")).getInstance().getId();
        assertNotEquals(other, id);
        assertEquals(ZONE + "/" + GcpAdapter.instanceName("mine-1"), id);
        assertEquals(1, standIn.calls("instances.insert").size(), "created, not adopted");

        List<String> listed = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).sorted().toList();
        assertEquals(java.util.stream.Stream.of(id, other).sorted().toList(), listed);

        ReconcileResponse r = api.reconcile(ReconcileRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setDryRun(true)
                .setGrace(Duration.newBuilder().setSeconds(0)).build());
        assertTrue(r.getRan());
        assertEquals(Map.of(), r.getProviderErrorsMap());
        assertEquals(2, r.getInstancesSeen(), "the unlabelled instance is not counted: " + r);
        List<String> orphans = r.getFindingsList().stream()
                .filter(f -> f.getKind() == ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN)
                .map(ReconcileFinding::getInstanceId).toList();
        assertEquals(List.of(other), orphans);
        assertFalse(r.getFindingsList().stream().anyMatch(f -> f.getInstanceId().equals(unmanaged)), r.toString());
    }

    @Test
    void aRetriedProvisionDoesNotAdoptAnInstanceWithoutTheManagedLabel() {
        standIn.faults().inject("instances.insert", Fault.SERVER_ERROR, 20);
        expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(provisionRequest("gcp-mine-2")));
        standIn.faults().clear();
        int inserts = standIn.calls("instances.insert").size();
        // Carries the request's id but not the managed-by label: not an instance this service made.
        String foreign = standIn.plant(ZONE, "lookalike", "e2-standard-2",
                Map.of(ManagedLabels.REQUEST_ID, "gcp-mine-2"));
        standIn.faults().hostile("instances.aggregatedList", Hostile.FOREIGN_UNDER_FILTER);
        String id = api.provisionInstance(provisionRequest("gcp-mine-2")).getInstance().getId();
        assertNotEquals(foreign, id);
        assertEquals(inserts + 1, standIn.calls("instances.insert").size(), "looked up, found nothing, created");
    }

    @Test
    void anInstanceWithTheRequestsNameButNotItsLabelsIsRefusedNameTaken() {
        String name = GcpAdapter.instanceName("taken-1");
        standIn.plant("us-central1-b", name, "e2-standard-2", Map.of(ManagedLabels.MANAGED_BY,
                ManagedLabels.MANAGED_BY_VALUE, ManagedLabels.REQUEST_ID, "someone-else"));
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT,
                () -> api.provisionInstance(provisionRequest("taken-1")));
        assertEquals("name_taken", errorInfo(e).getMetadataOrThrow("provider_code"));
        assertTrue(e.getStatus().getDescription().contains(name + " in us-central1-b exists but does not carry"),
                e.getStatus().getDescription());
        assertEquals(List.of(), standIn.calls("instances.insert"), "neither adopted nor created beside it");
        assertTrue(standIn.instance("us-central1-b", name).isPresent(), "and left alone");
    }
}

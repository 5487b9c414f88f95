package io.cloudprovisioner.ledger;

import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileFinding;
import io.cloudprovisioner.api.v1.ReconcileFindingKind;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.provider.ManagedLabels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger through the gRPC API, against the DigitalOcean stand-in (the simplest real wire protocol): intent
 * before the cloud call, replay, conflicts, retry after retryable failures, the "did it get created after all?"
 * look-up, recovery of records a crash left behind, ListInstances from the ledger, and Reconcile (orphans,
 * vanished instances, the lease). {@code LedgerPostgresTest} runs the same on PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class LedgerTest {
    static final String REGION = "nyc3";
    static final String SIZE = "s-1vcpu-1gb";

    @Inject
    Ledger ledger;
    @Inject
    LedgerNode node;
    @Inject
    LedgerDatabase database;
    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    DigitalOceanStandIn standIn;

    @BeforeEach
    void open() {
        standIn = DigitalOceanStandInResource.standIn();
        standIn.reset();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations());
    }

    /** The kind of database this class expects (the PostgreSQL subclass says "postgresql"). */
    protected String expectedDatabase() {
        return LedgerDatabase.EMBEDDED;
    }

    static ProvisionInstanceRequest.Builder request(String id) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion(REGION).setInstanceType(SIZE).putLabels("team", "ledger").setClientRequestId(id);
    }

    static ErrorInfo info(StatusRuntimeException e) {
        return GrpcTestSupport.detail(e, ErrorInfo.class).orElseThrow();
    }

    int creates() {
        return standIn.calls("droplets.create").size();
    }

    @Test
    void theLedgerIsTheConfiguredDatabase() {
        assertEquals(expectedDatabase(), database.kind());
    }

    @Test
    void theIntentIsRecordedBeforeTheCloudIsCalled() throws Exception {
        // what the ledger holds at the moment the create reaches the cloud, before the cloud acts on it
        CompletableFuture<LedgerRecord> atCreate = new CompletableFuture<>();
        CompletableFuture<List<Attempt>> attemptsAtCreate = new CompletableFuture<>();
        CompletableFuture<Integer> dropletsAtCreate = new CompletableFuture<>();
        standIn.onArrival("droplets.create", () -> {
            if (!atCreate.isDone()) {
                dropletsAtCreate.complete(standIn.liveInstances());
                attemptsAtCreate.complete(ledger.attempts("ledger-intent-1"));
                atCreate.complete(ledger.find("ledger-intent-1").orElse(null));
            }
        });
        ProvisionInstanceResponse done = api.provisionInstance(request("ledger-intent-1").build());
        LedgerRecord seen = atCreate.get(5, TimeUnit.SECONDS);
        assertTrue(seen != null, "the record exists when the cloud is called");
        assertEquals(RecordState.CREATING, seen.state());
        assertEquals(0, dropletsAtCreate.get(), "recorded before the droplet exists");
        assertEquals(List.of(new Attempt(1, Provider.DIGITALOCEAN, REGION, "", SIZE, null, null)),
                attemptsAtCreate.get(), "the attempt is recorded before its call");
        LedgerRecord after = ledger.find("ledger-intent-1").orElseThrow();
        assertEquals(RecordState.RUNNING, after.state());
        assertEquals(done.getInstance().getId(), after.instanceId());
        assertEquals("anonymous", after.caller());
        assertEquals(Map.of("team", "ledger"), after.labels());
        assertEquals(null, after.owner(), "nobody works on a RUNNING record");
        assertEquals(LedgerState.LEDGER_STATE_RUNNING, done.getInstance().getLedgerState());
    }

    @Test
    void theSameIdReplaysWithoutCallingTheCloudAndIdsAreCaseInsensitive() {
        ProvisionInstanceResponse first = api.provisionInstance(request("Ledger-Replay-1").build());
        assertFalse(first.getReplayed());
        ProvisionInstanceResponse again = api.provisionInstance(request("ledger-replay-1").build());
        assertTrue(again.getReplayed());
        assertEquals(first.getInstance().getId(), again.getInstance().getId());
        assertEquals(first.getInstance().getHourlyPrice(), again.getInstance().getHourlyPrice());
        assertEquals("Ledger-Replay-1", again.getClientRequestId(), "the id as first recorded");
        assertEquals(1, again.getAttemptsCount());
        assertEquals(1, creates(), "one create for one request id");
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void concurrentCallsWithOneIdCreateOneInstance() throws Exception {
        standIn.faults().slowDelayMillis(400);
        standIn.faults().inject("droplets.create", Fault.SLOW, 1);
        List<CompletableFuture<ProvisionInstanceResponse>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> api.provisionInstance(request("ledger-race-1").build()),
                    java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        List<ProvisionInstanceResponse> answers = new java.util.ArrayList<>();
        for (CompletableFuture<ProvisionInstanceResponse> c : calls) {
            answers.add(c.get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, answers.stream().map(a -> a.getInstance().getId()).distinct().count(), "one instance");
        assertEquals(1, answers.stream().filter(a -> !a.getReplayed()).count(), "one call created it");
        assertEquals(1, creates());
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void theSameIdWithOtherParametersIsAlreadyExistsAndReachesNoCloud() {
        api.provisionInstance(request("ledger-conflict-1").build());
        StatusRuntimeException e = expect(Status.Code.ALREADY_EXISTS, () -> api.provisionInstance(
                request("ledger-conflict-1").putLabels("team", "other").build()));
        ErrorInfo i = info(e);
        assertEquals("IDEMPOTENCY_KEY_REUSED", i.getReason());
        assertEquals("RUNNING", i.getMetadataOrThrow("ledger_state"));
        assertEquals(1, creates());
    }

    @Test
    void aNonRetryableFailureIsReplayedAsTheSameError() {
        standIn.faults().inject("droplets.create", Fault.AUTH, 1);
        StatusRuntimeException first = expect(Status.Code.FAILED_PRECONDITION,
                () -> api.provisionInstance(request("ledger-auth-1").build()));
        assertEquals("AUTH", info(first).getReason());
        int calls = standIn.calls().size();
        StatusRuntimeException again = expect(Status.Code.FAILED_PRECONDITION,
                () -> api.provisionInstance(request("ledger-auth-1").build()));
        assertEquals("AUTH", info(again).getReason());
        assertEquals("true", info(again).getMetadataOrThrow("replayed"));
        assertEquals(calls, standIn.calls().size(), "a replayed failure reaches no cloud");
        assertEquals(RecordState.FAILED, ledger.find("ledger-auth-1").orElseThrow().state());
    }

    @Test
    void aRetryableFailureIsTriedAgainWithTheSameId() {
        standIn.faults().inject("droplets.create", Fault.SERVER_ERROR, 10);
        expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(request("ledger-retry-1").build()));
        LedgerRecord failed = ledger.find("ledger-retry-1").orElseThrow();
        assertEquals(RecordState.FAILED, failed.state());
        assertEquals("TRANSIENT", failed.errorClass());
        standIn.faults().clear();
        ProvisionInstanceResponse ok = api.provisionInstance(request("ledger-retry-1").build());
        assertFalse(ok.getReplayed());
        assertEquals(1, standIn.liveInstances());
        assertEquals(RecordState.RUNNING, ledger.find("ledger-retry-1").orElseThrow().state());
        List<Attempt> attempts = ledger.attempts("ledger-retry-1");
        assertEquals(2, attempts.size());
        assertEquals("TRANSIENT", attempts.get(0).errorClass());
        assertEquals("", attempts.get(1).errorClass());
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundAndNotRepeated() {
        // The cloud creates the droplet but every answer is lost: the call fails TRANSIENT. Asked again with the
        // same id, the service first looks for the droplet by its request-id tag and adopts it.
        standIn.faults().inject("droplets.create", Fault.LOST_RESPONSE, 1);
        standIn.faults().inject("droplets.create", Fault.SERVER_ERROR, 10);
        expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(request("ledger-lost-1").build()));
        assertEquals(1, standIn.liveInstances(), "created although the answer was lost");
        standIn.faults().clear();
        ProvisionInstanceResponse again = api.provisionInstance(request("ledger-lost-1").build());
        assertTrue(again.getReplayed(), "adopted, not created again");
        assertEquals(1, standIn.liveInstances(), "no duplicate");
        assertEquals(RecordState.RUNNING, ledger.find("ledger-lost-1").orElseThrow().state());
    }

    @Test
    void aRecordLeftCreatingByAnEarlierRunIsCompletedFromTheCloud() {
        // What a crash after the cloud call leaves: a CREATING record owned by this node but worked on by nobody,
        // and a droplet carrying its request id.
        ProvisionInstanceRequest req = request("ledger-crash-1").build();
        leaveCreating(req, "ledger-crash-1", node.id());
        long id = standIn.plant("cp-ledger-crash-1", REGION, SIZE, List.of(ManagedLabels.managedTag(),
                ManagedLabels.requestTag("ledger-crash-1"), "team:ledger"), Instant.now());
        ProvisionInstanceResponse r = api.provisionInstance(req);
        assertTrue(r.getReplayed());
        assertEquals(Long.toString(id), r.getInstance().getId());
        assertEquals(0, creates(), "recovered, not created again");
        assertEquals(RecordState.RUNNING, ledger.find("ledger-crash-1").orElseThrow().state());
    }

    @Test
    void aRecordLeftCreatingWithNothingInTheCloudIsFailedThenRetried() {
        leaveCreating(request("ledger-crash-2").build(), "ledger-crash-2", node.id());
        ReconcileResponse rec = api.reconcile(ReconcileRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build());
        assertTrue(rec.getRan());
        assertTrue(rec.getFindingsList().stream().anyMatch(f -> f.getKind()
                == ReconcileFindingKind.RECONCILE_FINDING_KIND_RECOVERED_FAILED
                && f.getClientRequestId().equals("ledger-crash-2")), rec.toString());
        LedgerRecord failed = ledger.find("ledger-crash-2").orElseThrow();
        assertEquals(RecordState.FAILED, failed.state());
        assertEquals("TRANSIENT", failed.errorClass());
        ProvisionInstanceResponse r = api.provisionInstance(request("ledger-crash-2").build());
        assertFalse(r.getReplayed());
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void aRecordAnotherLiveReplicaIsWorkingOnIsAborted() {
        ledger.heartbeat("other-replica:9000", "run-1", true);
        leaveCreating(request("ledger-busy-1").build(), "ledger-busy-1", "other-replica:9000");
        StatusRuntimeException e = expect(Status.Code.ABORTED,
                () -> api.provisionInstance(request("ledger-busy-1").build()));
        assertEquals("REQUEST_IN_PROGRESS", info(e).getReason());
        assertEquals("other-replica:9000", info(e).getMetadataOrThrow("owner"));
        assertEquals(0, creates());
    }

    @Test
    void listInstancesReadsTheLedgerAndRefreshesFromTheCloud() {
        ProvisionedInstance a = api.provisionInstance(request("ledger-list-1").build()).getInstance();
        ProvisionedInstance b = api.provisionInstance(request("ledger-list-2").build()).getInstance();
        standIn.setStatus(Long.parseLong(b.getId()), "off");
        List<ProvisionedInstance> listed = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).putLabelSelector("team", "ledger").build())
                .getInstancesList();
        assertEquals(List.of(a.getId(), b.getId()), listed.stream().map(ProvisionedInstance::getId).toList());
        assertTrue(listed.stream().allMatch(i -> i.getLedgerState() == LedgerState.LEDGER_STATE_RUNNING));
        assertEquals(io.cloudprovisioner.api.v1.InstanceStatus.INSTANCE_STATUS_STOPPED, listed.get(1).getStatus(),
                "refreshed from the cloud");
        assertEquals("STOPPED", ledger.find("ledger-list-2").orElseThrow().instanceStatus().name(),
                "and written back to the ledger");

        api.terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(a.getId()).build());
        assertEquals(RecordState.TERMINATED, ledger.find("ledger-list-1").orElseThrow().state());
        assertEquals(List.of(b.getId()), api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).putLabelSelector("team", "ledger").build())
                .getInstancesList().stream().map(ProvisionedInstance::getId).toList());
        List<ProvisionedInstance> all = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).putLabelSelector("team", "ledger")
                .setIncludeEnded(true).build()).getInstancesList();
        assertTrue(all.stream().anyMatch(i -> i.getId().equals(a.getId())
                && i.getLedgerState() == LedgerState.LEDGER_STATE_TERMINATED), all.toString());
    }

    @Test
    void terminateIdsReplayAndConflict() {
        ProvisionedInstance a = api.provisionInstance(request("ledger-term-1").build()).getInstance();
        ProvisionedInstance b = api.provisionInstance(request("ledger-term-2").build()).getInstance();
        TerminateInstanceRequest t = TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(a.getId())
                .setClientRequestId("ledger-term-op-1").build();
        api.terminateInstance(t);
        int deletes = standIn.calls("droplets.delete").size();
        assertEquals(io.cloudprovisioner.api.v1.InstanceStatus.INSTANCE_STATUS_TERMINATED,
                api.terminateInstance(t).getStatus());
        assertEquals(deletes, standIn.calls("droplets.delete").size(), "a replayed termination reaches no cloud");
        StatusRuntimeException e = expect(Status.Code.ALREADY_EXISTS, () -> api.terminateInstance(t.toBuilder()
                .setInstanceId(b.getId()).build()));
        assertEquals("IDEMPOTENCY_KEY_REUSED", info(e).getReason());
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void reconcileReportsOrphansAndTerminatesThemOnlyWhenAsked() {
        long old = standIn.plant("forgotten", REGION, SIZE, List.of(ManagedLabels.managedTag(),
                ManagedLabels.requestTag("never-recorded-1")), Instant.now().minusSeconds(3600));
        long young = standIn.plant("fresh", REGION, SIZE, List.of(ManagedLabels.managedTag(),
                ManagedLabels.requestTag("never-recorded-2")), Instant.now());
        long foreign = standIn.plant("not-ours", REGION, SIZE, List.of("team:web"), Instant.now().minusSeconds(7200));
        ProvisionedInstance mine = api.provisionInstance(request("ledger-sweep-1").build()).getInstance();

        ReconcileResponse dry = api.reconcile(ReconcileRequest.newBuilder().setDryRun(true)
                .setTerminateOrphans(true).build());
        assertTrue(dry.getRan());
        assertEquals(List.of(ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN,
                ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN_IN_GRACE), kinds(dry));
        ReconcileFinding orphan = orphans(dry).get(0);
        assertEquals(Long.toString(old), orphan.getInstanceId());
        assertEquals("never-recorded-1", orphan.getClientRequestId());
        assertFalse(orphan.getApplied());
        assertEquals(4, standIn.liveInstances(), "a dry run changes nothing");

        ReconcileResponse report = api.reconcile(ReconcileRequest.newBuilder().build());
        assertEquals(List.of(ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN,
                ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN_IN_GRACE), kinds(report),
                "terminate-orphans is off by default: reported only");
        assertEquals(4, standIn.liveInstances());

        ReconcileResponse swept = api.reconcile(ReconcileRequest.newBuilder().setTerminateOrphans(true).build());
        assertEquals(List.of(ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN_TERMINATED,
                ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN_IN_GRACE), kinds(swept));
        assertTrue(orphans(swept).get(0).getApplied());
        assertEquals(3, standIn.liveInstances());
        assertEquals(List.of(List.of(ManagedLabels.managedTag(), ManagedLabels.requestTag("never-recorded-2")),
                List.of("team:web")), standIn.liveTags().stream().filter(t -> !t.contains(
                        ManagedLabels.requestTag("ledger-sweep-1"))).toList());

        ReconcileResponse noGrace = api.reconcile(ReconcileRequest.newBuilder().setTerminateOrphans(true)
                .setGrace(Duration.newBuilder().setSeconds(0)).build());
        assertEquals(List.of(ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN_TERMINATED), kinds(noGrace));
        assertEquals(Long.toString(young), orphans(noGrace).get(0).getInstanceId());
        assertEquals(2, standIn.liveInstances(), "ours and the foreign one stay");
        assertNotEquals(Long.toString(foreign), mine.getId());
    }

    @Test
    void reconcileMarksRecordsWhoseInstanceVanished() {
        ProvisionedInstance i = api.provisionInstance(request("ledger-vanish-1").build()).getInstance();
        standIn.remove(Long.parseLong(i.getId()));
        ReconcileResponse r = api.reconcile(ReconcileRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build());
        assertTrue(r.getFindingsList().stream().anyMatch(f -> f.getKind()
                == ReconcileFindingKind.RECONCILE_FINDING_KIND_VANISHED && f.getInstanceId().equals(i.getId())),
                r.toString());
        assertEquals(RecordState.VANISHED, ledger.find("ledger-vanish-1").orElseThrow().state());
        assertEquals(LedgerState.LEDGER_STATE_VANISHED, api.provisionInstance(request("ledger-vanish-1").build())
                .getInstance().getLedgerState(), "a replay tells the instance vanished");
    }

    @Test
    void onlyTheLeaseHolderReconciles() {
        assertEquals("other-replica:9000", ledger.tryLease(Reconciler.LEASE, "other-replica:9000",
                java.time.Duration.ofMinutes(1)));
        try {
            ReconcileResponse r = api.reconcile(ReconcileRequest.newBuilder().build());
            assertFalse(r.getRan());
            assertEquals("other-replica:9000", r.getLeaseHolder());
            assertEquals(0, r.getFindingsCount());
        } finally {
            ledger.releaseLease(Reconciler.LEASE, "other-replica:9000");
        }
        assertTrue(api.reconcile(ReconcileRequest.newBuilder().build()).getRan());
        assertEquals(node.id(), ledger.tryLease(Reconciler.LEASE, node.id(), java.time.Duration.ofSeconds(1)),
                "released after the run");
        ledger.releaseLease(Reconciler.LEASE, node.id());
    }

    static List<ReconcileFinding> orphans(ReconcileResponse r) {
        return r.getFindingsList().stream().filter(f -> f.getKind()
                != ReconcileFindingKind.RECONCILE_FINDING_KIND_VANISHED).toList();
    }

    /** Leaves a record as a crash would: CREATING, one attempt begun, owned by {@code owner}. */
    void leaveCreating(ProvisionInstanceRequest req, String key, String owner) {
        ProvisionInstanceRequest canonical = req.toBuilder().clearClientRequestId().build();
        assertTrue(ledger.begin(new Ledger.Intent(key, req.getClientRequestId(), Fingerprint.of(canonical),
                "test", Fingerprint.json(canonical), req.getLabelsMap(), owner), r -> false), "a new record");
        ledger.attemptStarted(key, Provider.DIGITALOCEAN, REGION, "", SIZE);
    }

    /** The kinds found (VANISHED records left by other tests' stand-in resets are not this test's business). */
    static List<ReconcileFindingKind> kinds(ReconcileResponse r) {
        return r.getFindingsList().stream().map(ReconcileFinding::getKind)
                .filter(k -> k != ReconcileFindingKind.RECONCILE_FINDING_KIND_VANISHED).toList();
    }
}

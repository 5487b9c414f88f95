package io.cloudprovisioner.ledger;

import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileFindingKind;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TerminateInstance as the ledger and the cloud see it, through the gRPC API against the DigitalOcean stand-in:
 * the ledger's region wins, unknown ids are NOT_FOUND, TERMINATED only once the cloud confirms (TERMINATING until
 * then, finished by the reconcile), terminating twice is harmless, and a refused request does not use up its
 * client_request_id (TerminateInstance and ProvisionInstance alike). The per-provider forms of the same scenarios
 * are in each provider's *ProvisioningTest.
 */
@QuarkusTest
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class TerminateTruthTest {
    static final String REGION = "nyc3";
    static final String SIZE = "s-1vcpu-1gb";

    @Inject
    Ledger ledger;
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

    ProvisionedInstance provision(String id) {
        return api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION).setInstanceType(SIZE)
                .setClientRequestId(id).build()).getInstance();
    }

    static TerminateInstanceRequest.Builder terminate(String instanceId) {
        return TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setInstanceId(instanceId);
    }

    int deletes() {
        return standIn.calls("droplets.delete").size();
    }

    @Test
    void aRegionOtherThanTheLedgersIsInvalidAndTheCorrectedRetryWithTheSameIdTerminates() {
        ProvisionedInstance i = provision("truth-region-1");
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminate(i.getId()).setRegion("fra1").setClientRequestId("truth-region-op").build()));
        BadRequest br = GrpcTestSupport.detail(e, BadRequest.class).orElseThrow();
        assertEquals("region", br.getFieldViolations(0).getField());
        assertTrue(br.getFieldViolations(0).getDescription().contains("is in region nyc3"), br.toString());
        assertEquals(0, deletes(), "nothing was deleted");
        assertEquals(1, standIn.liveInstances());
        assertEquals(RecordState.RUNNING, ledger.find("truth-region-1").orElseThrow().state());
        assertTrue(ledger.findTermination("truth-region-op").isEmpty(), "the refusal did not reserve the id");

        TerminateInstanceResponse ok = api.terminateInstance(terminate(i.getId()).setRegion(REGION)
                .setClientRequestId("truth-region-op").build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, ok.getStatus());
        assertEquals(LedgerState.LEDGER_STATE_TERMINATED, ok.getLedgerState());
        assertEquals(0, standIn.liveInstances());
        assertEquals(RecordState.TERMINATED, ledger.find("truth-region-1").orElseThrow().state());
    }

    @Test
    void anEmptyRegionUsesTheLedgers() {
        ProvisionedInstance i = provision("truth-region-2");
        TerminateInstanceResponse ok = api.terminateInstance(terminate(i.getId()).build());
        assertEquals(REGION, ok.getRegion());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, ok.getStatus());
        assertEquals(RecordState.TERMINATED, ledger.find("truth-region-2").orElseThrow().state());
    }

    @Test
    void anIdTheCloudDoesNotKnowIsNotFoundRecordsNothingAndLeavesTheIdFree() {
        StatusRuntimeException e = expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(
                terminate("424242").setRegion(REGION).setClientRequestId("truth-unknown-op").build()));
        assertEquals("NOT_FOUND", GrpcTestSupport.errorInfo(e).getReason());
        assertEquals(0, deletes(), "looked up, not deleted");
        assertTrue(ledger.findTermination("truth-unknown-op").isEmpty());
        assertTrue(ledger.terminated(io.cloudprovisioner.domain.Provider.DIGITALOCEAN, "424242").isEmpty(),
                "nothing recorded as TERMINATED");

        ProvisionedInstance i = provision("truth-unknown-1");
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminate(i.getId())
                .setClientRequestId("truth-unknown-op").build()).getStatus(), "the same id, now for a real one");
    }

    @Test
    void aDeleteTheCloudHasNotCompletedStaysTerminatingUntilTheReconcileSeesItGone() {
        ProvisionedInstance i = provision("truth-lag-1");
        standIn.destroyLag(2);
        TerminateInstanceResponse r = api.terminateInstance(terminate(i.getId()).setClientRequestId("truth-lag-op")
                .build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_STOPPING, r.getStatus(), "not TERMINATED: the droplet is there");
        assertEquals(LedgerState.LEDGER_STATE_TERMINATING, r.getLedgerState());
        assertEquals("active", r.getProviderStatus());
        LedgerRecord rec = ledger.find("truth-lag-1").orElseThrow();
        assertEquals(RecordState.TERMINATING, rec.state());
        assertNull(rec.owner(), "nobody works on it: the reconcile picks it up");
        assertEquals(1, deletes());

        ReconcileResponse rec1 = api.reconcile(ReconcileRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build());
        assertTrue(rec1.getFindingsList().stream().anyMatch(f -> f.getKind()
                == ReconcileFindingKind.RECONCILE_FINDING_KIND_RECOVERED_TERMINATED
                && f.getInstanceId().equals(i.getId()) && f.getDetail().contains("asked for again")), rec1.toString());
        assertEquals(2, deletes(), "still there at the reconcile's check: the delete was asked for again");
        assertEquals(RecordState.TERMINATED, ledger.find("truth-lag-1").orElseThrow().state());
        assertEquals(0, standIn.liveInstances());
    }

    @Test
    void theReconcileMarksAnUnconfirmedTerminationTerminatedWithoutASecondDeleteOnceTheCloudConfirms() {
        ProvisionedInstance i = provision("truth-lag-2");
        standIn.destroyLag(1);
        assertEquals(LedgerState.LEDGER_STATE_TERMINATING, api.terminateInstance(terminate(i.getId()).build())
                .getLedgerState());
        ReconcileResponse rec = api.reconcile(ReconcileRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build());
        assertTrue(rec.getFindingsList().stream().anyMatch(f -> f.getKind()
                == ReconcileFindingKind.RECONCILE_FINDING_KIND_RECOVERED_TERMINATED
                && f.getInstanceId().equals(i.getId()) && f.getDetail().contains("the cloud confirms it")),
                rec.toString());
        assertEquals(1, deletes(), "gone at the check: no second delete");
        assertEquals(RecordState.TERMINATED, ledger.find("truth-lag-2").orElseThrow().state());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminate(i.getId()).build())
                .getStatus(), "then terminating it again answers TERMINATED");
    }

    @Test
    void terminatingTwiceWithTheSameOrAnotherIdIsHarmlessAndNeedsNoSecondDelete() {
        ProvisionedInstance i = provision("truth-twice-1");
        TerminateInstanceResponse first = api.terminateInstance(terminate(i.getId())
                .setClientRequestId("truth-twice-op-1").build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, first.getStatus());
        TerminateInstanceResponse sameId = api.terminateInstance(terminate(i.getId())
                .setClientRequestId("truth-twice-op-1").build());
        TerminateInstanceResponse otherId = api.terminateInstance(terminate(i.getId())
                .setClientRequestId("truth-twice-op-2").build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, sameId.getStatus());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, otherId.getStatus());
        assertEquals(LedgerState.LEDGER_STATE_TERMINATED, otherId.getLedgerState());
        assertEquals(1, deletes(), "one delete for three calls");
    }

    @Test
    void anInstanceTerminatedBehindTheLedgersBackIsTerminated() {
        ProvisionedInstance i = provision("truth-gone-1");
        standIn.remove(Long.parseLong(i.getId()));
        TerminateInstanceResponse r = api.terminateInstance(terminate(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, r.getStatus(), "gone (404) after the delete");
        assertEquals(RecordState.TERMINATED, ledger.find("truth-gone-1").orElseThrow().state());
    }

    @Test
    void aTerminationTheProviderIsNotConfiguredForDoesNotUseUpItsId() {
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> api.terminateInstance(
                TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                        .setRegion("us-east-1").setInstanceId("i-0123456789abcdef0")
                        .setClientRequestId("truth-precondition-op").build()));
        assertEquals("PROVIDER_NOT_CONFIGURED", GrpcTestSupport.errorInfo(e).getReason());
        ProvisionedInstance i = provision("truth-precondition-1");
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminate(i.getId())
                .setClientRequestId("truth-precondition-op").build()).getStatus());
    }

    @Test
    void aTerminationRefusedByValidationDoesNotUseUpItsId() {
        ProvisionedInstance i = provision("truth-invalid-1");
        expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(terminate(i.getId()).setRegion("nowhere-9")
                .setClientRequestId("truth-invalid-op").build()));
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminate(i.getId())
                .setClientRequestId("truth-invalid-op").build()).getStatus());
    }

    @Test
    void aProvisionRefusedByValidationOrAPreconditionDoesNotUseUpItsId() {
        expect(Status.Code.FAILED_PRECONDITION, () -> api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1").setInstanceType("t3.micro")
                .setClientRequestId("truth-provision-1").build()));
        expect(Status.Code.INVALID_ARGUMENT, () -> api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION).setInstanceType(SIZE)
                .putLabels("Team", "x").setClientRequestId("truth-provision-1").build()));
        assertTrue(ledger.find("truth-provision-1").isEmpty(), "no record for refused requests");
        ProvisionedInstance ok = provision("truth-provision-1");
        assertEquals(LedgerState.LEDGER_STATE_RUNNING, ok.getLedgerState());
        assertFalse(ok.getId().isEmpty());
    }
}

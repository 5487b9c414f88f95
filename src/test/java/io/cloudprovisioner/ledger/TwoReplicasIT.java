package io.cloudprovisioner.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged application sharing one PostgreSQL ledger: a request made on one is replayed by
 * the other, only one reconciles at a time (the lease), and work a dead replica left in progress is taken over by
 * the live one once the dead one's heartbeat is stale, without a second instance.
 */
public class TwoReplicasIT {
    static DigitalOceanStandInResource resource;
    static DigitalOceanStandIn standIn;
    static AppProcess a;
    static AppProcess b;

    @BeforeAll
    static void start() throws Exception {
        resource = new DigitalOceanStandInResource();
        Map<String, String> cfg = new HashMap<>(resource.start());
        standIn = DigitalOceanStandInResource.standIn();
        Map<String, String> env = Map.of("DIGITALOCEAN_TOKEN", cfg.remove("DIGITALOCEAN_TOKEN"));
        cfg.remove("cloudprovisioner.data-dir");
        cfg.putAll(PostgresLedger.config(PostgresLedger.newSchema()));
        cfg.put("cloudprovisioner.ledger.heartbeat", "1s");
        cfg.put("cloudprovisioner.ledger.stale-after", "3s");
        Map<String, String> pa = new HashMap<>(cfg);
        pa.put("cloudprovisioner.ledger.node-id", "replica-a");
        Map<String, String> pb = new HashMap<>(cfg);
        pb.put("cloudprovisioner.ledger.node-id", "replica-b");
        a = AppProcess.start("replica-a", pa, env, Path.of("target/replicas-it"));
        b = AppProcess.start("replica-b", pb, env, Path.of("target/replicas-it"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        resource.stop();
    }

    static ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api(AppProcess p) {
        return ProvisioningServiceGrpc.newBlockingStub(p.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static ProvisionInstanceRequest request(String id) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion("nyc3").setInstanceType("s-1vcpu-1gb").setClientRequestId(id).build();
    }

    @Test
    void aRequestMadeOnOneReplicaIsReplayedByTheOther() {
        int creates = standIn.calls("droplets.create").size();
        ProvisionInstanceResponse first = api(a).provisionInstance(request("replica-1"));
        ProvisionInstanceResponse again = api(b).provisionInstance(request("replica-1"));
        assertTrue(again.getReplayed());
        assertEquals(first.getInstance().getId(), again.getInstance().getId());
        assertEquals(creates + 1, standIn.calls("droplets.create").size(), "created once for both replicas");
    }

    @Test
    void onlyOneReplicaReconcilesAtATime() throws Exception {
        standIn.faults().slowDelayMillis(2500);
        int lists = standIn.calls("droplets.list").size();
        standIn.faults().inject("droplets.list", Fault.SLOW, 1);
        CompletableFuture<ReconcileResponse> onA = CompletableFuture.supplyAsync(
                () -> api(a).reconcile(ReconcileRequest.getDefaultInstance()));
        for (int i = 0; i < 300 && standIn.calls("droplets.list").size() == lists; i++) {
            Thread.sleep(10);
        }
        ReconcileResponse onB = api(b).reconcile(ReconcileRequest.getDefaultInstance());
        assertFalse(onB.getRan(), "replica-a holds the lease");
        assertEquals("replica-a", onB.getLeaseHolder());
        ReconcileResponse doneA = onA.get(60, TimeUnit.SECONDS);
        assertTrue(doneA.getRan());
        assertEquals("replica-a", doneA.getLeaseHolder());
        ReconcileResponse thenB = api(b).reconcile(ReconcileRequest.getDefaultInstance());
        assertTrue(thenB.getRan(), "the lease is free again");
        assertEquals("replica-b", thenB.getLeaseHolder());
    }

    @Test
    void workADeadReplicaLeftIsTakenOverByTheLiveOne() throws Exception {
        a.kill();
        a.restart(Map.of("cloudprovisioner.chaos.crash-points", "after-create:1.0"));
        int live = standIn.liveInstances();
        assertThrows(StatusRuntimeException.class, () -> api(a).provisionInstance(request("replica-crash-1")));
        assertEquals(137, a.awaitExit(30));
        assertEquals(live + 1, standIn.liveInstances());
        ProvisionInstanceResponse r = null;
        boolean sawBusy = false;
        for (int i = 0; i < 100 && r == null; i++) {
            try {
                r = api(b).provisionInstance(request("replica-crash-1"));
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.ABORTED, e.getStatus().getCode(), e.toString());
                sawBusy = true;
                Thread.sleep(200);
            }
        }
        assertTrue(sawBusy, "while replica-a's heartbeat is fresh, its work is its own");
        assertTrue(r != null && r.getReplayed(), "then replica-b completes it from the cloud");
        assertEquals(live + 1, standIn.liveInstances(), "no second droplet");
        a.restart(Map.of("cloudprovisioner.chaos.crash-points", ""));
    }
}

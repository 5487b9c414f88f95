package io.cloudprovisioner.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.StandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.provider.ManagedLabels;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash safety for real: the packaged application runs as a child process on the embedded ledger and dies
 * mid-request (halted at a crash point, or SIGKILLed from outside while the cloud call runs); started again on the
 * same data, it completes the record from the cloud and never creates a second instance for the request id.
 */
public class CrashRecoveryIT {
    static DigitalOceanStandInResource resource;
    static DigitalOceanStandIn standIn;
    static Map<String, String> props;
    static Map<String, String> env;

    @BeforeAll
    static void standIn() {
        resource = new DigitalOceanStandInResource();
        Map<String, String> cfg = new HashMap<>(resource.start());
        standIn = DigitalOceanStandInResource.standIn();
        env = Map.of("DIGITALOCEAN_TOKEN", cfg.remove("DIGITALOCEAN_TOKEN"));
        props = cfg;
    }

    @AfterAll
    static void stop() {
        resource.stop();
    }

    @BeforeEach
    void reset() {
        standIn.reset();
    }

    static AppProcess app(String name, String crashPoints) throws Exception {
        Map<String, String> p = new HashMap<>(props);
        p.put("cloudprovisioner.data-dir", Path.of(StandIn.freshLedgerDir()).toAbsolutePath().toString());
        p.put("cloudprovisioner.chaos.crash-points", crashPoints);
        return AppProcess.start(name, p, env, Path.of("target/crash-it"));
    }

    static ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api(AppProcess a) {
        return ProvisioningServiceGrpc.newBlockingStub(a.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static ProvisionInstanceRequest request(String id) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion("nyc3").setInstanceType("s-1vcpu-1gb").setClientRequestId(id).build();
    }

    @Test
    void aCrashAfterTheCloudCreatedTheInstanceIsCompletedOnRestart() throws Exception {
        try (AppProcess a = app("after-create", "after-create:1.0")) {
            assertThrows(StatusRuntimeException.class, () -> api(a).provisionInstance(request("crash-after-1")));
            assertEquals(137, a.awaitExit(30), "halted at the crash point");
            assertEquals(1, standIn.liveInstances(), "the cloud created it; the ledger did not hear of it");

            a.restart(Map.of("cloudprovisioner.chaos.crash-points", ""));
            ProvisionInstanceResponse r = api(a).provisionInstance(request("crash-after-1"));
            assertTrue(r.getReplayed(), "completed from the cloud, not created again");
            assertEquals(LedgerState.LEDGER_STATE_RUNNING, r.getInstance().getLedgerState());
            assertEquals(1, standIn.calls("droplets.create").size());
            assertEquals(1, standIn.liveInstances());
            assertEquals(List.of(r.getInstance().getId()), api(a).listInstances(ListInstancesRequest
                    .getDefaultInstance()).getInstancesList().stream().map(i -> i.getId()).toList());
        }
    }

    @Test
    void aCrashBeforeTheCloudCallIsFailedOnRestartAndTheRetryCreatesOne() throws Exception {
        try (AppProcess a = app("before-create", "before-create:1.0")) {
            assertThrows(StatusRuntimeException.class, () -> api(a).provisionInstance(request("crash-before-1")));
            assertEquals(137, a.awaitExit(30));
            assertEquals(0, standIn.liveInstances());

            a.restart(Map.of("cloudprovisioner.chaos.crash-points", ""));
            ProvisionInstanceResponse r = api(a).provisionInstance(request("crash-before-1"));
            assertFalse(r.getReplayed(), "nothing existed: the retry creates it");
            assertEquals(2, r.getAttemptsCount(), "the interrupted attempt and the new one");
            assertEquals(1, standIn.liveInstances());
        }
    }

    @Test
    void aCrashAfterTheCloudTerminatedIsCompletedOnRestart() throws Exception {
        try (AppProcess a = app("after-terminate", "after-terminate:1.0")) {
            ProvisionInstanceResponse r = api(a).provisionInstance(request("crash-term-1"));
            assertThrows(StatusRuntimeException.class, () -> api(a).terminateInstance(TerminateInstanceRequest
                    .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                    .setInstanceId(r.getInstance().getId()).build()));
            assertEquals(137, a.awaitExit(30));
            assertEquals(0, standIn.liveInstances());

            a.restart(Map.of("cloudprovisioner.chaos.crash-points", ""));
            ProvisionInstanceResponse replay = null;
            for (int i = 0; i < 100; i++) {
                replay = api(a).provisionInstance(request("crash-term-1"));
                if (replay.getInstance().getLedgerState() == LedgerState.LEDGER_STATE_TERMINATED) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(LedgerState.LEDGER_STATE_TERMINATED, replay.getInstance().getLedgerState(),
                    "the termination left TERMINATING is completed at start");
            assertEquals(0, api(a).listInstances(ListInstancesRequest.getDefaultInstance()).getInstancesCount());
        }
    }

    @Test
    void aKillDuringTheCloudCallLeavesOneInstanceAfterRestart() throws Exception {
        try (AppProcess a = app("sigkill", "")) {
            standIn.faults().slowDelayMillis(1500);
            standIn.faults().inject("droplets.create", Fault.SLOW, 1);
            CompletableFuture<ProvisionInstanceResponse> call = CompletableFuture.supplyAsync(
                    () -> api(a).provisionInstance(request("crash-kill-1")));
            for (int i = 0; i < 3000 && standIn.calls("droplets.create").isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertEquals(1, standIn.calls("droplets.create").size(), "the create is under way");
            a.kill();
            assertThrows(Exception.class, () -> call.get(30, TimeUnit.SECONDS));
            Thread.sleep(1600); // the stand-in finishes the create the dead process asked for
            assertEquals(1, standIn.liveInstances());

            a.restart(Map.of());
            ProvisionInstanceResponse r = api(a).provisionInstance(request("crash-kill-1"));
            assertTrue(r.getReplayed());
            assertEquals(1, standIn.liveInstances(), "no second droplet");
            assertTrue(standIn.liveTags().get(0).contains(ManagedLabels.requestTag("crash-kill-1")));
        }
    }
}

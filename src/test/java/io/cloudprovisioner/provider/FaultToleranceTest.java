package io.cloudprovisioner.provider;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.harness.vultr.VultrStandIn;
import io.cloudprovisioner.harness.vultr.VultrStandInResource;
import io.cloudprovisioner.provider.vultr.VultrAdapter;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SmallRye Fault Tolerance around the provider adapters, through the gRPC API and the real REST clients against the
 * DigitalOcean and Vultr stand-ins (the guard is shared code; every provider's own test class shows its retries):
 * the per-provider circuit breaker opens on outages only and then fails fast without reaching the provider while the
 * other provider works on, a slow answer hits the per-call timeout and is classified, and the bulkhead refuses calls
 * beyond its limit. Per-provider keys override the defaults here (small breaker window, short timeout, bulkhead 2).
 */
@QuarkusTest
@TestProfile(FaultToleranceTest.Profile.class)
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = VultrStandInResource.class, restrictToAnnotatedClass = true)
public class FaultToleranceTest {
    static final String DO_BREAKER = ProviderGuard.breakerName(Provider.DIGITALOCEAN);
    static final String VULTR_BREAKER = ProviderGuard.breakerName(Provider.VULTR);

    /** Per-provider overrides of the fault-tolerance defaults. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cloudprovisioner.digitalocean.fault-tolerance.breaker-request-volume", "4",
                    "cloudprovisioner.digitalocean.fault-tolerance.breaker-failure-ratio", "0.5",
                    "cloudprovisioner.digitalocean.fault-tolerance.breaker-delay", "20s",
                    "cloudprovisioner.digitalocean.fault-tolerance.call-timeout", "400ms",
                    "cloudprovisioner.vultr.fault-tolerance.breaker-request-volume", "4",
                    "cloudprovisioner.vultr.fault-tolerance.bulkhead", "2");
        }
    }

    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    VultrAdapter vultr;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    DigitalOceanStandIn digitalOcean;
    VultrStandIn vultrStandIn;

    @BeforeEach
    void open() {
        digitalOcean = DigitalOceanStandInResource.standIn();
        vultrStandIn = VultrStandInResource.standIn();
        digitalOcean.reset();
        vultrStandIn.reset();
        breakers.resetAll();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        digitalOcean.faults().slowDelayMillis(1500);
        vultrStandIn.faults().slowDelayMillis(1500);
        breakers.resetAll();
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), digitalOcean.specViolations());
        assertEquals(List.of(), vultrStandIn.specViolations());
    }

    GetInstanceStatusRequest status(CloudProvider p, String region, String id) {
        return GetInstanceStatusRequest.newBuilder().setProvider(p).setRegion(region).setInstanceId(id).build();
    }

    String provisionDroplet(String requestId) {
        return api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3").setInstanceType("s-1vcpu-1gb")
                .setClientRequestId(requestId).build()).getInstance().getId();
    }

    String provisionVultr(String requestId) {
        return api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion("ewr").setInstanceType("vc2-1c-1gb")
                .setClientRequestId(requestId).build()).getInstance().getId();
    }

    static void assertNoSecret(StatusRuntimeException e) {
        assertFalse(e.toString().contains(DigitalOceanStandInResource.TOKEN), "DigitalOcean token in error");
        assertFalse(e.toString().contains(VultrStandInResource.TOKEN), "Vultr key in error");
    }

    @Test
    void theBreakerOpensOnRepeatedOutagesThenFailsFastForThatProviderOnly() {
        String droplet = provisionDroplet("ft-breaker-1");
        String vultrId = provisionVultr("ft-breaker-2");
        breakers.reset(DO_BREAKER); // a fresh window: only the failures below are judged

        // One call: the first attempt and 3 retries all meet a 503; 4 of 4 outages in the window open the breaker.
        digitalOcean.faults().inject("droplets.get", Fault.SERVER_ERROR, 10);
        int before = digitalOcean.calls("droplets.get").size();
        StatusRuntimeException first = expect(Status.Code.UNAVAILABLE,
                () -> api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", droplet)));
        assertEquals("server_error", errorInfo(first).getMetadataOrThrow("provider_code"));
        assertEquals(before + 4, digitalOcean.calls("droplets.get").size(), "first attempt + 3 retries");
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(DO_BREAKER));

        // Open: fail fast, classified, and nothing reaches DigitalOcean.
        int afterOpen = digitalOcean.calls().size();
        long t0 = System.nanoTime();
        StatusRuntimeException fast = expect(Status.Code.UNAVAILABLE,
                () -> api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", droplet)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ErrorInfo info = errorInfo(fast);
        assertEquals("TRANSIENT", info.getReason());
        assertEquals("PROVIDER", info.getMetadataOrThrow("scope"));
        assertEquals("circuit_open", info.getMetadataOrThrow("provider_code"));
        assertEquals("digitalocean", info.getMetadataOrThrow("provider"));
        assertTrue(GrpcTestSupport.detail(fast, RetryInfo.class).isPresent(), "RetryInfo");
        String why = fast.getStatus().getDescription();
        assertTrue(why.contains("circuit breaker open"), why);
        // it keeps the cause: provider, the class and code of the outage that opened it, and when it will try again
        assertTrue(why.contains("DigitalOcean Droplets calls are suspended since "), why);
        assertTrue(why.contains("the last: TRANSIENT (server_error): "), why);
        assertTrue(why.matches("(?s).*next trial call is allowed in \\d+ s \\(at \\d{4}-\\d\\d-\\d\\dT.*"), why);
        expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceType("s-1vcpu-1gb").setClientRequestId("ft-breaker-3").build()));
        assertEquals(afterOpen, digitalOcean.calls().size(), "an open breaker sends nothing, for every kind of call");
        assertTrue(ms < 1000, "failed fast, took " + ms + " ms");
        assertNoSecret(fast);

        // Vultr has its own breaker: untouched, its calls go through.
        int vultrBefore = vultrStandIn.calls("instances.get").size();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING,
                api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_VULTR, "ewr", vultrId)).getStatus());
        assertEquals(vultrBefore + 1, vultrStandIn.calls("instances.get").size());
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(VULTR_BREAKER));

        // Closed again (as after its delay), DigitalOcean answers again.
        digitalOcean.faults().clear();
        breakers.reset(DO_BREAKER);
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING,
                api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", droplet)).getStatus());
    }

    @Test
    void answersAreNeitherRetriedNorCountedByTheBreaker() {
        // AUTH (401) and NOT_FOUND (404), many times over: each is one request, and the breaker stays closed.
        digitalOcean.faults().inject("droplets.get", Fault.AUTH, 6);
        for (int i = 0; i < 6; i++) {
            expect(Status.Code.FAILED_PRECONDITION,
                    () -> api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", "42")));
        }
        for (int i = 0; i < 6; i++) {
            expect(Status.Code.NOT_FOUND,
                    () -> api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", "404404")));
        }
        assertEquals(12, digitalOcean.calls("droplets.get").size(), "exactly one request per call");
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(DO_BREAKER));

        // INVALID_REQUEST (422 for a size DigitalOcean rejects): one create, not retried.
        StatusRuntimeException bad = expect(Status.Code.INVALID_ARGUMENT, () -> api.provisionInstance(
                ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                        .setRegion("nyc3").setInstanceType("s-8vcpu-16gb").setClientRequestId("ft-bad-1").build()));
        assertEquals("INVALID_REQUEST", errorInfo(bad).getReason());
        assertEquals(1, digitalOcean.calls("droplets.create").size());
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(DO_BREAKER));
    }

    @Test
    void aSlowAnswerHitsTheCallTimeoutIsRetriedAndThenClassified() {
        String droplet = provisionDroplet("ft-slow-1");
        breakers.resetAll();
        digitalOcean.faults().slowDelayMillis(1500); // below the REST client's 2 s read timeout, above the 400 ms limit

        // One slow answer: the attempt is cut at 400 ms and retried.
        int before = digitalOcean.calls("droplets.get").size();
        digitalOcean.faults().inject("droplets.get", Fault.SLOW, 1);
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING,
                api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", droplet)).getStatus());
        assertEquals(before + 2, digitalOcean.calls("droplets.get").size());

        // Slow every time: 4 attempts, then TRANSIENT "timeout" for the provider.
        breakers.resetAll();
        before = digitalOcean.calls("droplets.get").size();
        digitalOcean.faults().inject("droplets.get", Fault.SLOW, 4);
        long t0 = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                () -> api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", droplet)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ErrorInfo info = errorInfo(e);
        assertEquals("TRANSIENT", info.getReason());
        assertEquals("timeout", info.getMetadataOrThrow("provider_code"));
        assertEquals("PROVIDER", info.getMetadataOrThrow("scope"));
        assertTrue(e.getStatus().getDescription().contains("did not finish within 400 ms"),
                e.getStatus().getDescription());
        assertEquals(before + 4, digitalOcean.calls("droplets.get").size());
        assertTrue(ms < 4 * 1500, "each attempt was cut at the timeout, not waited out: " + ms + " ms");
        assertNoSecret(e);
    }

    @Test
    void theBulkheadRefusesCallsBeyondItsLimitWithoutReachingTheProvider() throws Exception {
        String id = provisionVultr("ft-bulkhead-1");
        vultrStandIn.faults().slowDelayMillis(1500);
        vultrStandIn.faults().inject("instances.get", Fault.SLOW, 2);
        int before = vultrStandIn.calls("instances.get").size();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<io.cloudprovisioner.domain.Instance>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(pool.submit(() -> vultr.describe("ewr", id)));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (vultrStandIn.calls("instances.get").size() < before + 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(before + 2, vultrStandIn.calls("instances.get").size(), "two calls in the bulkhead");

            StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                    () -> api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_VULTR, "ewr", id)));
            ErrorInfo info = errorInfo(e);
            assertEquals("RATE_LIMITED", info.getReason());
            assertEquals("bulkhead_full", info.getMetadataOrThrow("provider_code"));
            assertEquals("vultr", info.getMetadataOrThrow("provider"));
            assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent(), "RetryInfo");
            assertEquals(before + 2, vultrStandIn.calls("instances.get").size(), "the refused call sent nothing");
            assertNoSecret(e);

            for (Future<io.cloudprovisioner.domain.Instance> f : held) {
                assertEquals(io.cloudprovisioner.domain.InstanceStatus.RUNNING, f.get(10, TimeUnit.SECONDS).status());
            }
        } finally {
            pool.shutdownNow();
        }
        // Room again: the next call goes through.
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING,
                api.getInstanceStatus(status(CloudProvider.CLOUD_PROVIDER_VULTR, "ewr", id)).getStatus());
    }
}

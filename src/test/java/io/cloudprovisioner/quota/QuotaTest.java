package io.cloudprovisioner.quota;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.aws.AwsStandIn;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-principal quotas through the gRPC API against the EC2 stand-in: each refusal is RESOURCE_EXHAUSTED with a
 * QuotaFailure for "principal:<name>" and the limit's ErrorInfo reason, and no RunInstances reached the stand-in for
 * it; other principals are unaffected; terminating frees the quota; the rate limit answers with RetryInfo.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = QuotaTestResource.class, restrictToAnnotatedClass = true)
public class QuotaTest {
    static final String REGION = "us-east-1";
    /** $0.0416 per hour on demand in us-east-1 (the bundled catalog). */
    static final String TYPE = "t3.medium";

    ManagedChannel channel;
    AwsStandIn ec2;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        ec2 = AwsStandInResource.standIn();
        ec2.faults().clear();
        ec2.clearRecorded();
        ec2.faults().slowDelayMillis(1500);
    }

    @AfterEach
    void close() throws InterruptedException {
        ec2.faults().clear();
        GrpcTestSupport.close(channel);
    }

    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub as(String key) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
        return ProvisioningServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static ProvisionInstanceRequest request(String id) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                .setInstanceType(TYPE).setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(4).setStorageGb(20))
                .setClientRequestId(id).build();
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    ProvisionedInstance provision(String key, String id) {
        return as(key).provisionInstance(request(id)).getInstance();
    }

    void terminate(String key, ProvisionedInstance i) {
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, as(key).terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId(i.getId())
                .setClientRequestId(id("t")).build()).getStatus());
    }

    int runInstances() {
        return ec2.calls("RunInstances").size();
    }

    /** A refusal with the quota's reason and a QuotaFailure for the principal; returns the violation's text. */
    static String refused(StatusRuntimeException e, String reason, String principal) {
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
        assertEquals(reason, errorInfo(e).getReason(), e::toString);
        QuotaFailure qf = GrpcTestSupport.detail(e, QuotaFailure.class)
                .orElseThrow(() -> new AssertionError("no QuotaFailure: " + e));
        assertEquals(1, qf.getViolationsCount());
        assertEquals("principal:" + principal, qf.getViolations(0).getSubject());
        return qf.getViolations(0).getDescription();
    }

    @Test
    void concurrentProvisionsBeyondTheLimitAreRefusedOthersUnaffected() throws Exception {
        List<ProvisionedInstance> made = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ec2.faults().slowDelayMillis(2500);
            ec2.faults().inject("RunInstances", Fault.SLOW, 2);
            List<Future<ProvisionedInstance>> inFlight = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String rid = id("alice-c" + i);
                inFlight.add(pool.submit(() -> provision(QuotaTestResource.ALICE, rid)));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (runInstances() < 2 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(2, runInstances(), "both provisions reached RunInstances");
            String why = refused(expect(Status.Code.RESOURCE_EXHAUSTED,
                    () -> provision(QuotaTestResource.ALICE, id("alice-c3"))), "QUOTA_CONCURRENT_PROVISIONS", "alice");
            assertTrue(why.contains("max-concurrent-provisions is 2") && why.contains("in flight now: 2"), why);
            assertEquals(2, runInstances(), "the refused call reached the stand-in");
            // another principal is not held up by alice's limit, while alice's two are still in flight
            made.add(provision(QuotaTestResource.BOB, id("bob-c")));
            for (Future<ProvisionedInstance> f : inFlight) {
                made.add(f.get(60, TimeUnit.SECONDS));
            }
            // the slots are free again: a third succeeds now
            ProvisionedInstance third = provision(QuotaTestResource.ALICE, id("alice-c4"));
            terminate(QuotaTestResource.ALICE, third);
        } finally {
            pool.shutdownNow();
            for (ProvisionedInstance i : made) {
                terminate(i == made.get(0) ? QuotaTestResource.BOB : QuotaTestResource.ALICE, i);
            }
        }
    }

    @Test
    void liveInstancesBeyondTheLimitAreRefusedUntilOneIsTerminated() {
        List<ProvisionedInstance> alice = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                alice.add(provision(QuotaTestResource.ALICE, id("alice-l" + i)));
            }
            int before = runInstances();
            String rid = id("alice-l3");
            String why = refused(expect(Status.Code.RESOURCE_EXHAUSTED,
                    () -> provision(QuotaTestResource.ALICE, rid)), "QUOTA_LIVE_INSTANCES", "alice");
            assertTrue(why.contains("max-live-instances is 3") && why.contains("live now: 3"), why);
            assertEquals(before, runInstances(), "the refused call reached the stand-in");
            // bob has no such limit
            ProvisionedInstance b = provision(QuotaTestResource.BOB, id("bob-l"));
            terminate(QuotaTestResource.BOB, b);
            // terminating one frees the quota; the refused id was never recorded, so it can be used now
            terminate(QuotaTestResource.ALICE, alice.remove(0));
            alice.add(provision(QuotaTestResource.ALICE, rid));
        } finally {
            for (ProvisionedInstance i : alice) {
                terminate(QuotaTestResource.ALICE, i);
            }
        }
    }

    @Test
    void hourlySpendBeyondTheLimitIsRefused() {
        List<ProvisionedInstance> carol = new ArrayList<>();
        try {
            carol.add(provision(QuotaTestResource.CAROL, id("carol-s0")));
            carol.add(provision(QuotaTestResource.CAROL, id("carol-s1"))); // 2 x $0.0416 = $0.0832 <= $0.10
            int before = runInstances();
            String why = refused(expect(Status.Code.RESOURCE_EXHAUSTED,
                    () -> provision(QuotaTestResource.CAROL, id("carol-s2"))), "QUOTA_HOURLY_SPEND", "carol");
            assertTrue(why.contains("max-hourly-usd is $0.1000") && why.contains("live now: $0.0832")
                    && why.contains("would add $0.0416"), why);
            assertEquals(before, runInstances(), "the refused call reached the stand-in");
            terminate(QuotaTestResource.CAROL, carol.remove(0));
            carol.add(provision(QuotaTestResource.CAROL, id("carol-s3")));
        } finally {
            for (ProvisionedInstance i : carol) {
                terminate(QuotaTestResource.CAROL, i);
            }
        }
    }

    @Test
    void mutatingCallsBeyondTheRateAreRefusedWithRetryInfo() {
        TerminateInstanceRequest invalid = TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).build(); // no instance id
        for (int i = 0; i < 2; i++) { // the burst
            expect(Status.Code.INVALID_ARGUMENT, () -> as(QuotaTestResource.DAVE).terminateInstance(invalid));
        }
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> as(QuotaTestResource.DAVE).terminateInstance(invalid));
        String why = refused(e, "QUOTA_REQUEST_RATE", "dave");
        assertTrue(why.contains("requests-per-second is 0.01"), why);
        RetryInfo retry = GrpcTestSupport.detail(e, RetryInfo.class)
                .orElseThrow(() -> new AssertionError("no RetryInfo: " + e));
        long seconds = retry.getRetryDelay().getSeconds();
        assertTrue(seconds > 0 && seconds <= 100, () -> "retry delay " + retry);
        expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> as(QuotaTestResource.DAVE).provisionInstance(request(id("dave-r"))));
        assertFalse(ec2.calls("RunInstances").size() > 0, "a rate-limited provision reached the stand-in");
        for (int i = 0; i < 5; i++) { // bob has no rate limit
            expect(Status.Code.INVALID_ARGUMENT, () -> as(QuotaTestResource.BOB).terminateInstance(invalid));
        }
    }
}

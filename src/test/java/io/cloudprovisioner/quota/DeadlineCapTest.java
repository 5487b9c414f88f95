package io.cloudprovisioner.quota;

import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.aws.AwsStandIn;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's maximum deadline (here 1 s): a provision whose RunInstances the stand-in answers after 2.5 s ends
 * DEADLINE_EXCEEDED from the server after about 1 s, whether the caller set a 10-minute deadline or none.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = QuotaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(
        name = "max-deadline", value = "1s"))
public class DeadlineCapTest {
    ManagedChannel channel;
    AwsStandIn ec2;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        ec2 = AwsStandInResource.standIn();
        ec2.faults().clear();
        ec2.faults().slowDelayMillis(2500);
        ec2.faults().inject("RunInstances", Fault.SLOW, 2);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub bob() {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), QuotaTestResource.BOB);
        return ProvisioningServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    static ProvisionInstanceRequest request() {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                .setRegion("us-east-1").setInstanceType("t3.medium").setSpec(ResourceSpec.newBuilder().setCpu(2)
                        .setMemoryGb(4).setStorageGb(20)).setClientRequestId("cap-" + UUID.randomUUID()).build();
    }

    void cutToTheMaximum(ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api) {
        long started = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.DEADLINE_EXCEEDED, () -> api.provisionInstance(request()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        // the server ended it (the client's own deadline is 10 minutes or none), and long before the slow answer
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains("max-deadline"), e::toString);
        assertTrue(ms >= 900 && ms < 30_000, () -> "ended after " + ms + " ms");
    }

    @Test
    void aLongerDeadlineIsCutToTheServersMaximum() {
        cutToTheMaximum(bob().withDeadlineAfter(10, TimeUnit.MINUTES));
    }

    @Test
    void aCallWithoutDeadlineGetsTheServersMaximum() {
        cutToTheMaximum(bob());
    }

    @Test
    void aShorterDeadlineOfTheCallerStays() {
        // RunInstances stays slow (2.5 s): the caller's 300 ms ends the call, not the server's 1 s maximum
        long started = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.DEADLINE_EXCEEDED,
                () -> bob().withDeadlineAfter(300, TimeUnit.MILLISECONDS).provisionInstance(request()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 900, e::toString);
        assertFalse(String.valueOf(e.getStatus().getDescription()).contains("max-deadline"), e::toString);
    }
}

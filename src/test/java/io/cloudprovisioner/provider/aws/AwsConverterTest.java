package io.cloudprovisioner.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.InstanceState;
import software.amazon.awssdk.services.ec2.model.Placement;
import software.amazon.awssdk.services.ec2.model.Tag;

class AwsConverterTest {

    @ParameterizedTest
    @CsvSource({"pending,STARTING", "running,RUNNING", "stopping,STOPPING", "stopped,STOPPED",
        "shutting-down,TERMINATED", "terminated,TERMINATED", "rebooting,UNKNOWN", "'',UNKNOWN"})
    void states(String ec2, InstanceStatus expected) {
        assertEquals(expected, AwsConverter.status(ec2));
    }

    @Test
    void stoppedIsNeverTerminatedAndNullIsUnknown() {
        assertEquals(InstanceStatus.STOPPED, AwsConverter.status("stopped"));
        assertEquals(InstanceStatus.UNKNOWN, AwsConverter.status(null));
    }

    @Test
    void fullInstance() {
        Instant launched = Instant.parse("2026-11-25T10:00:00Z");
        Instance i = AwsConverter.toInstance(software.amazon.awssdk.services.ec2.model.Instance.builder()
                .instanceId("i-0abc").instanceType("m6i.large").placement(Placement.builder()
                        .availabilityZone("eu-west-1b").build())
                .publicIpAddress("203.0.113.9").privateIpAddress("10.0.0.9")
                .state(InstanceState.builder().name("running").code(16).build())
                .tags(Tag.builder().key("managed-by").value("cloud-provisioner").build(),
                        Tag.builder().key("cloudprovisioner-request-id").value("req-1").build())
                .launchTime(launched).instanceLifecycle(InstanceLifecycleType.SPOT).clientToken("Req-1").build(),
                "eu-west-1");
        assertEquals("i-0abc", i.id());
        assertEquals(Provider.AWS, i.provider());
        assertEquals("m6i.large", i.instanceType());
        assertEquals("eu-west-1", i.region());
        assertEquals("eu-west-1b", i.zone());
        assertEquals("203.0.113.9", i.publicIp());
        assertEquals("10.0.0.9", i.privateIp());
        assertEquals(InstanceStatus.RUNNING, i.status());
        assertEquals("running", i.providerStatus());
        assertEquals(Map.of("managed-by", "cloud-provisioner", "cloudprovisioner-request-id", "req-1"), i.labels());
        assertEquals(launched, i.createdAt());
        assertTrue(i.spot());
        assertEquals("Req-1", i.clientRequestId(), "ClientToken keeps the caller's exact id");
    }

    @Test
    void sparseInstanceFallsBackToTheRequestTag() {
        Instance i = AwsConverter.toInstance(software.amazon.awssdk.services.ec2.model.Instance.builder()
                .instanceId("i-0def").state(InstanceState.builder().name("pending").build())
                .tags(Tag.builder().key("cloudprovisioner-request-id").value("req-2").build()).build(), "us-east-1");
        assertEquals(InstanceStatus.STARTING, i.status());
        assertEquals("", i.zone());
        assertEquals("", i.publicIp());
        assertEquals("req-2", i.clientRequestId());
        assertNull(i.createdAt());
        assertFalse(i.spot());
        assertEquals("", i.instanceType());
    }
}

package io.cloudprovisioner.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.deployment.ServiceKeys;
import io.cloudprovisioner.harness.aws.AwsStandIn;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * With no key pair name configured, the AWS adapter installs the service's own SSH public key on the instances it
 * creates, as the other four adapters do: imported once per region as an EC2 key pair (tagged managed-by) whose name
 * carries a digest of the key, found rather than imported again when it exists (another replica, an earlier run),
 * and named in RunInstances. Against the EC2 stand-in, which refuses a RunInstances naming a key pair it does not
 * hold and checks every request against the botocore model.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "key-name", value = "false"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class AwsKeyPairImportTest {
    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    AwsStandIn ec2;
    @Inject
    ServiceKeys keys;
    @Inject
    AwsAdapter adapter;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        ec2 = AwsStandInResource.standIn();
        ec2.clearRecorded();
    }

    @AfterEach
    void close() throws InterruptedException {
        try {
            assertEquals(List.of(), ec2.specViolations(), "requests that break the EC2 model");
        } finally {
            GrpcTestSupport.close(channel);
        }
    }

    ProvisionedInstance provision(String region, String requestId) {
        ProvisionedInstance i = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(region).setInstanceType("m6i.large")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(4).setStorageGb(20))
                .setClientRequestId(requestId).build()).getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        return i;
    }

    @Test
    @Order(1)
    void importsTheServiceKeyOncePerRegionAndLaunchesWithIt() {
        String publicKey = keys.key().publicKey().strip();
        assertTrue(publicKey.startsWith("ssh-ed25519 "), publicKey);
        String name = adapter.keyPairName(publicKey);
        assertTrue(name.matches("cloud-provisioner-[0-9a-f]{8}"), name);

        provision("us-east-1", "aws-key-1");
        List<Map<String, String>> imports = ec2.forms("ImportKeyPair");
        assertEquals(1, imports.size(), "imported once");
        Map<String, String> imp = imports.get(0);
        assertEquals(name, imp.get("KeyName"));
        assertEquals(publicKey, new String(Base64.getDecoder().decode(imp.get("PublicKeyMaterial")),
                StandardCharsets.US_ASCII), "the service's public key, byte for byte");
        assertEquals("key-pair", imp.get("TagSpecification.1.ResourceType"));
        assertEquals(Map.of("managed-by", "cloud-provisioner"), ec2.keyPairTags("us-east-1", name));
        assertEquals(publicKey, ec2.keyPairs("us-east-1").get(name), "the stand-in holds the key");
        assertEquals(name, ec2.forms("RunInstances").get(0).get("KeyName"), "the instance gets that key pair");
        List<String> ops = ec2.calls().stream().map(c -> c.operation()).toList();
        assertTrue(ops.indexOf("DescribeKeyPairs") < ops.indexOf("ImportKeyPair")
                && ops.indexOf("ImportKeyPair") < ops.indexOf("RunInstances"), ops.toString());

        ec2.clearRecorded();
        provision("us-east-1", "aws-key-2");
        assertEquals(List.of(), ec2.forms("ImportKeyPair"), "the second launch in the region reuses the pair");
        assertEquals(List.of(), ec2.forms("DescribeKeyPairs"), "and does not look it up again");
        assertEquals(name, ec2.forms("RunInstances").get(0).get("KeyName"));
    }

    @Test
    @Order(2)
    void anExistingPairOfThatNameIsFoundNotImportedAgain() {
        String publicKey = keys.key().publicKey().strip();
        String name = adapter.keyPairName(publicKey);
        // another replica imported it in eu-west-1 already
        ec2.seedKeyPair("eu-west-1", name, publicKey);
        provision("eu-west-1", "aws-key-3");
        assertEquals(List.of(), ec2.forms("ImportKeyPair"), "found by DescribeKeyPairs");
        Map<String, String> describe = ec2.forms("DescribeKeyPairs").get(0);
        assertEquals("key-name", describe.get("Filter.1.Name"));
        assertEquals(name, describe.get("Filter.1.Value.1"));
        assertEquals(name, ec2.forms("RunInstances").get(0).get("KeyName"));
    }

    @Test
    @Order(3)
    void aNewKeyGetsANewPairName() {
        String a = adapter.keyPairName("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICuqrmLQyCzoeZ5RDG68J6iSzUNQyGR9jmagRz5Odjxo a");
        String sameKeyOtherComment = adapter.keyPairName(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICuqrmLQyCzoeZ5RDG68J6iSzUNQyGR9jmagRz5Odjxo b@c");
        String other = adapter.keyPairName(AwsStandInResource.KEY_NAME_PUBLIC_KEY.replace("Odjxo", "Odjxp"));
        assertEquals(a, sameKeyOtherComment, "the comment does not change the key");
        assertFalse(a.equals(other), "other key material, other pair");
    }
}

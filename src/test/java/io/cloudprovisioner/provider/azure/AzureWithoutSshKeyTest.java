package io.cloudprovisioner.provider.azure;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.harness.azure.AzureStandIn;
import io.cloudprovisioner.harness.azure.AzureStandInResource;
import io.cloudprovisioner.ledger.Ledger;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The adapter's own refusal before it asks Azure for anything (no SSH key configured) does not use up the request's
 * client_request_id: nothing is recorded, so the same id with corrected parameters is not a conflict.
 */
@QuarkusTest
@QuarkusTestResource(value = AzureWithoutSshKeyTest.WithoutSshKey.class, restrictToAnnotatedClass = true)
public class AzureWithoutSshKeyTest {
    /** The usual Azure stand-in configuration without any SSH public key to install. */
    public static class WithoutSshKey extends AzureStandInResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> cfg = new java.util.HashMap<>(super.start());
            cfg.remove("cloudprovisioner.network.ssh-public-key");
            cfg.put("cloudprovisioner.deployment.install-service-key", "false"); // nor the service's own key
            return cfg;
        }
    }

    @Inject
    Ledger ledger;

    @Test
    void aRefusalBeforeAnyCloudCallRecordsNothing() throws InterruptedException {
        AzureStandIn standIn = AzureStandInResource.standIn();
        ManagedChannel channel = GrpcTestSupport.channel();
        try {
            ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api = ProvisioningServiceGrpc
                    .newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> api.provisionInstance(
                    AzureProvisioningTest.request("az-nokey-1", "Standard_B2s").build()));
            assertEquals("SshKeyMissing", errorInfo(e).getMetadataOrThrow("provider_code"));
            assertTrue(ledger.find("az-nokey-1").isEmpty(), "the id is not reserved");
            assertTrue(ledger.attempts("az-nokey-1").isEmpty());
            StatusRuntimeException again = expect(Status.Code.INVALID_ARGUMENT, () -> api.provisionInstance(
                    AzureProvisioningTest.request("az-nokey-1", "Standard_D2s_v5").build()));
            assertEquals("SshKeyMissing", errorInfo(again).getMetadataOrThrow("provider_code"),
                    "other parameters with the same id: refused for the same reason, not ALREADY_EXISTS");
            assertTrue(standIn.calls("virtualMachines.createOrUpdate").isEmpty());
            assertEquals(List.of(), standIn.specViolations());
        } finally {
            GrpcTestSupport.close(channel);
        }
    }
}

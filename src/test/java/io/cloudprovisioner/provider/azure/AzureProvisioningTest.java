package io.cloudprovisioner.provider.azure;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.ProviderErrors;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.GetInstanceDetailsRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusResponse;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.StandIn.RecordedCall;
import io.cloudprovisioner.harness.azure.AzureStandIn;
import io.cloudprovisioner.harness.azure.AzureStandInResource;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.NetworkSettings;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.ProviderException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Azure adapter through the gRPC API against the Azure stand-in (ARM + Entra ID over https on 127.0.0.1):
 * exact requests, long-running operations, firewall, TEE, spot, idempotency, every fault's gRPC mapping, and no
 * spec violation in any request.
 */
@QuarkusTest
@QuarkusTestResource(value = AzureStandInResource.class, restrictToAnnotatedClass = true)
public class AzureProvisioningTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SUB = AzureStandIn.SUBSCRIPTION;
    static final String RG = "cloudprovisioner-eastus";
    static final String RG_ID = "/subscriptions/" + SUB + "/resourceGroups/" + RG;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    AzureStandIn standIn;
    final List<String> errorDescriptions = new ArrayList<>();

    @Inject
    AzureAdapter adapter;
    @Inject
    AzureSettings settings;
    @Inject
    NetworkSettings network;
    @Inject
    Config config;
    @Inject
    io.cloudprovisioner.provider.ProviderGuards guards;

    @BeforeEach
    void open() {
        standIn = AzureStandInResource.standIn();
        standIn.reset();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "spec violations");
        for (String d : errorDescriptions) {
            assertFalse(d.contains(AzureStandInResource.FAKE_SECRET), "secret in an error: " + d);
            assertFalse(d.contains("standin-access-token"), "token in an error: " + d);
        }
    }

    static ProvisionInstanceRequest.Builder request(String id, String type) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                .setRegion("eastus").setInstanceType(type).setClientRequestId(id)
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(4).setStorageGb(40));
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode onlyBody(String operation) {
        List<RecordedCall> c = standIn.calls(operation);
        assertEquals(1, c.size(), operation + " calls: " + c);
        return json(c.get(0).body());
    }

    StatusRuntimeException failing(Status.Code code, java.util.function.Supplier<?> call) {
        StatusRuntimeException e = expect(code, call);
        errorDescriptions.add(String.valueOf(e.getStatus().getDescription()));
        return e;
    }

    static void assertInfo(StatusRuntimeException e, String reason, String scope, String providerCode) {
        ErrorInfo info = errorInfo(e);
        assertEquals(reason, info.getReason(), () -> "ErrorInfo " + info);
        assertEquals("azure", info.getMetadataOrThrow("provider"));
        assertEquals(scope, info.getMetadataOrThrow("scope"));
        if (providerCode != null) {
            assertEquals(providerCode, info.getMetadataOrThrow("provider_code"));
        }
    }

    // ---- happy path ---------------------------------------------------------------------------------------------

    @Test
    void provisionStatusDetailsListTerminateWithExactRequests() {
        ProvisionInstanceResponse r = api.provisionInstance(request("az-life-1", "Standard_D2s_v5").setZone("2")
                .putLabels("team", "infra").build());
        ProvisionedInstance i = r.getInstance();
        assertEquals("cp-az-life-1-vm", i.getId());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        assertEquals("Standard_D2s_v5", i.getInstanceType());
        assertEquals("eastus", i.getRegion());
        assertEquals("2", i.getZone());
        assertTrue(i.getPublicIp().startsWith("20.62.0."), i.getPublicIp());
        assertTrue(i.getPrivateIp().startsWith("10.42.0."), i.getPrivateIp());
        assertEquals("az-life-1", i.getClientRequestId());
        assertEquals(Map.of("team", "infra", "managed-by", "cloud-provisioner", "cloudprovisioner-request-id",
                "az-life-1"), i.getLabelsMap());
        assertFalse(i.getSpot());
        assertTrue(i.hasCreatedAt());

        // Every ARM call carried a token from the stand-in's Entra ID endpoint (checked by the stand-in: a missing
        // or foreign token is a spec violation); instance discovery stayed off.
        standIn.tokenRequests().forEach(t -> assertTrue(t.contains("client_id=" + AzureStandInResource.FAKE_CLIENT_ID)));
        assertTrue(standIn.calls().stream().noneMatch(c -> c.path().contains("discovery/instance")));

        JsonNode rg = onlyBody("resourceGroups.createOrUpdate");
        assertEquals("eastus", rg.get("location").asText());

        JsonNode vnet = onlyBody("virtualNetworks.createOrUpdate");
        assertEquals("10.42.0.0/16", vnet.at("/properties/addressSpace/addressPrefixes/0").asText());
        assertEquals("default", vnet.at("/properties/subnets/0/name").asText());
        assertEquals("10.42.0.0/24", vnet.at("/properties/subnets/0/properties/addressPrefix").asText());

        // Firewall: one inbound TCP allow rule per configured port, from the configured CIDRs.
        JsonNode nsg = onlyBody("networkSecurityGroups.createOrUpdate");
        assertEquals("cloud-provisioner", nsg.at("/tags/managed-by").asText());
        JsonNode rules = nsg.at("/properties/securityRules");
        assertEquals(2, rules.size());
        for (int k = 0; k < 2; k++) {
            JsonNode p = rules.get(k).get("properties");
            assertEquals(k == 0 ? "allow-tcp-22" : "allow-tcp-443", rules.get(k).get("name").asText());
            assertEquals(k == 0 ? "22" : "443", p.get("destinationPortRange").asText());
            assertEquals("Tcp", p.get("protocol").asText());
            assertEquals("Inbound", p.get("direction").asText());
            assertEquals("Allow", p.get("access").asText());
            assertEquals(1000 + 10 * k, p.get("priority").asInt());
            assertEquals("[\"203.0.113.0/24\",\"198.51.100.7/32\"]", p.get("sourceAddressPrefixes").toString());
        }

        JsonNode pip = onlyBody("publicIPAddresses.createOrUpdate");
        assertEquals("Standard", pip.at("/sku/name").asText());
        assertEquals("Static", pip.at("/properties/publicIPAllocationMethod").asText());
        assertEquals("[\"2\"]", pip.get("zones").toString());
        assertEquals("az-life-1", pip.at("/tags/cloudprovisioner-request-id").asText());
        assertEquals(RG_ID + "/providers/Microsoft.Network/publicIPAddresses/cp-az-life-1-pip",
                standIn.calls("publicIPAddresses.createOrUpdate").get(0).path());

        // The NIC attaches the subnet, the NSG and the public IP.
        JsonNode nic = onlyBody("networkInterfaces.createOrUpdate");
        assertEquals(RG_ID + "/providers/Microsoft.Network/networkSecurityGroups/cloudprovisioner-nsg",
                nic.at("/properties/networkSecurityGroup/id").asText());
        JsonNode ipc = nic.at("/properties/ipConfigurations/0/properties");
        assertEquals(RG_ID + "/providers/Microsoft.Network/virtualNetworks/cloudprovisioner-vnet/subnets/default",
                ipc.at("/subnet/id").asText());
        assertEquals(RG_ID + "/providers/Microsoft.Network/publicIPAddresses/cp-az-life-1-pip",
                ipc.at("/publicIPAddress/id").asText());

        JsonNode vm = onlyBody("virtualMachines.createOrUpdate");
        assertEquals(RG_ID + "/providers/Microsoft.Compute/virtualMachines/cp-az-life-1-vm",
                standIn.calls("virtualMachines.createOrUpdate").get(0).path());
        assertEquals("eastus", vm.get("location").asText());
        assertEquals("[\"2\"]", vm.get("zones").toString());
        assertEquals(Map.of("team", "infra", "managed-by", "cloud-provisioner", "cloudprovisioner-request-id",
                "az-life-1"), JSON.convertValue(vm.get("tags"), Map.class));
        JsonNode p = vm.get("properties");
        assertEquals("Standard_D2s_v5", p.at("/hardwareProfile/vmSize").asText());
        assertEquals("Canonical", p.at("/storageProfile/imageReference/publisher").asText());
        assertEquals("0001-com-ubuntu-server-jammy", p.at("/storageProfile/imageReference/offer").asText());
        assertEquals("22_04-lts-gen2", p.at("/storageProfile/imageReference/sku").asText());
        assertEquals("latest", p.at("/storageProfile/imageReference/version").asText());
        assertEquals(40, p.at("/storageProfile/osDisk/diskSizeGB").asInt());
        assertEquals("cp-az-life-1-osdisk", p.at("/storageProfile/osDisk/name").asText());
        assertEquals("FromImage", p.at("/storageProfile/osDisk/createOption").asText());
        assertEquals("azureops", p.at("/osProfile/adminUsername").asText());
        assertFalse(p.at("/osProfile").has("adminPassword"));
        assertTrue(p.at("/osProfile/linuxConfiguration/disablePasswordAuthentication").asBoolean());
        assertEquals(AzureStandInResource.SSH_KEY, p.at("/osProfile/linuxConfiguration/ssh/publicKeys/0/keyData")
                .asText());
        assertEquals("/home/azureops/.ssh/authorized_keys",
                p.at("/osProfile/linuxConfiguration/ssh/publicKeys/0/path").asText());
        assertEquals(RG_ID + "/providers/Microsoft.Network/networkInterfaces/cp-az-life-1-nic",
                p.at("/networkProfile/networkInterfaces/0/id").asText());
        assertFalse(p.has("priority"));
        assertFalse(p.has("securityProfile"));
        // Long-running operation: 201 Creating + Azure-AsyncOperation, polled by the SDK until Succeeded.
        assertTrue(standIn.calls("operations.get").size() >= 2);

        GetInstanceStatusResponse st = api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus").setInstanceId(i.getId())
                .build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, st.getStatus());
        assertEquals("PowerState/running", st.getProviderStatus());

        ProvisionedInstance d = api.getInstanceDetails(GetInstanceDetailsRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus").setInstanceId(i.getId())
                .build()).getInstance();
        assertEquals(i.getPublicIp(), d.getPublicIp());
        assertEquals(i.getPrivateIp(), d.getPrivateIp());
        assertEquals("2", d.getZone());
        assertEquals("az-life-1", d.getClientRequestId());
        assertTrue(d.hasHourlyPrice(), "priced from the catalog");

        // A stopped VM is STOPPED, never TERMINATED.
        standIn.setPowerState(RG, i.getId(), "deallocated");
        assertEquals(InstanceStatus.INSTANCE_STATUS_STOPPED, api.getInstanceStatus(GetInstanceStatusRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus")
                .setInstanceId(i.getId()).build()).getStatus());

        List<ProvisionedInstance> listed = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).build()).getInstancesList();
        assertEquals(List.of("cp-az-life-1-vm"), listed.stream().map(ProvisionedInstance::getId).toList());
        assertEquals(i.getPublicIp(), listed.get(0).getPublicIp());
        assertEquals(1, api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).putLabelSelector("team", "infra").build())
                .getInstancesCount());

        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus")
                .setInstanceId(i.getId()).build()).getStatus());
        // Everything it created is deleted, in dependency order; the unused NSG too. VNet and group stay.
        List<String> deletes = standIn.calls().stream().filter(c -> c.method().equals("DELETE"))
                .map(RecordedCall::operation).toList();
        assertEquals(List.of("virtualMachines.delete", "networkInterfaces.delete", "publicIPAddresses.delete",
                "disks.delete", "networkSecurityGroups.delete"), deletes);
        assertTrue(standIn.calls("disks.delete").get(0).path().endsWith("/disks/cp-az-life-1-osdisk"));
        assertEquals(0, standIn.liveInstances());
        assertEquals(Set.of("resourcegroups//cloudprovisioner-eastus",
                "virtualnetworks/cloudprovisioner-eastus/cloudprovisioner-vnet"), Set.copyOf(standIn.liveResources()));
        assertEquals(0, api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).build()).getInstancesCount());

        StatusRuntimeException gone = failing(Status.Code.NOT_FOUND, () -> api.getInstanceStatus(
                GetInstanceStatusRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                        .setRegion("eastus").setInstanceId(i.getId()).build()));
        assertInfo(gone, "NOT_FOUND", "REQUEST", "ResourceNotFound");
        // Terminate is idempotent: already gone → TERMINATED.
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus")
                .setInstanceId(i.getId()).build()).getStatus());
    }

    @Test
    void sameRequestIdNeverCreatesASecondVm() {
        ProvisionInstanceResponse a = api.provisionInstance(request("az-idem", "Standard_B2s").build());
        ProvisionInstanceResponse b = api.provisionInstance(request("az-idem", "Standard_B2s").build());
        assertEquals(a.getInstance().getId(), b.getInstance().getId());
        assertEquals(1, standIn.calls("virtualMachines.createOrUpdate").size());
        assertEquals(1, standIn.liveInstances());
        // A request id that is not a valid Azure name still maps to one deterministic, valid name.
        ProvisionInstanceResponse c = api.provisionInstance(request("Az_Mixed_Case_ID", "Standard_B2s").build());
        assertTrue(c.getInstance().getId().matches("cp-az-mixed-case-id-[0-9a-f]{12}-vm"), c.getInstance().getId());
        assertEquals("az_mixed_case_id", c.getInstance().getClientRequestId());
        // Two VMs share the location's NSG: terminating one keeps it.
        api.terminateInstance(TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                .setRegion("eastus").setInstanceId(a.getInstance().getId()).build());
        assertTrue(standIn.calls("networkSecurityGroups.delete").isEmpty());
        assertEquals(1, standIn.liveInstances());
        assertEquals(1, standIn.calls("networkSecurityGroups.createOrUpdate").size(), "NSG created once");
    }

    @Test
    void spotWhenSpecAndPreferencesAllowIt() {
        ProvisionInstanceResponse r = api.provisionInstance(request("az-spot", "Standard_D2s_v5")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setStorageGb(30).setAllowSpot(true))
                .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(true)).build());
        assertTrue(r.getInstance().getSpot());
        JsonNode p = onlyBody("virtualMachines.createOrUpdate").get("properties");
        assertEquals("Spot", p.get("priority").asText());
        assertEquals("Deallocate", p.get("evictionPolicy").asText());
        assertEquals(-1.0, p.at("/billingProfile/maxPrice").asDouble());
        assertEquals(30, p.at("/storageProfile/osDisk/diskSizeGB").asInt());
    }

    @Test
    void noSpotWhenPreferencesDoNotAllowIt() {
        api.provisionInstance(request("az-nospot", "Standard_D2s_v5")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setStorageGb(30).setAllowSpot(true))
                .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(false)).build());
        JsonNode p = onlyBody("virtualMachines.createOrUpdate").get("properties");
        assertFalse(p.has("priority"));
        assertFalse(p.has("billingProfile"));
    }

    @Test
    void requireTeeCreatesAConfidentialVm() {
        ProvisionInstanceResponse r = api.provisionInstance(request("az-tee", "Standard_DC2ads_v5")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setStorageGb(40).setRequireTee(true))
                .build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, r.getInstance().getStatus());
        JsonNode p = onlyBody("virtualMachines.createOrUpdate").get("properties");
        assertEquals("Standard_DC2ads_v5", p.at("/hardwareProfile/vmSize").asText());
        assertEquals("ConfidentialVM", p.at("/securityProfile/securityType").asText());
        assertTrue(p.at("/securityProfile/uefiSettings/secureBootEnabled").asBoolean());
        assertTrue(p.at("/securityProfile/uefiSettings/vTpmEnabled").asBoolean());
        assertEquals("VMGuestStateOnly",
                p.at("/storageProfile/osDisk/managedDisk/securityProfile/securityEncryptionType").asText());
        assertEquals("0001-com-ubuntu-confidential-vm-jammy", p.at("/storageProfile/imageReference/offer").asText());
        assertEquals("22_04-lts-cvm", p.at("/storageProfile/imageReference/sku").asText());
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    @Test
    void throttlingAfterRetriesIsUnavailableWithRetryInfo() {
        standIn.faults().inject("virtualMachines.createOrUpdate", Fault.THROTTLE, 4);
        StatusRuntimeException e = failing(Status.Code.UNAVAILABLE,
                () -> api.provisionInstance(request("az-throttle", "Standard_B2s").build()));
        assertInfo(e, "RATE_LIMITED", "REGION", "TooManyRequests");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent());
        assertEquals(4, standIn.calls("virtualMachines.createOrUpdate").size(),
                "first attempt + fault-tolerance max-retries 3");
        assertEquals(0, standIn.liveInstances());
    }

    @Test
    void serverErrorsAreRetriedThenUnavailable() {
        standIn.faults().inject("publicIPAddresses.createOrUpdate", Fault.SERVER_ERROR, 1);
        ProvisionInstanceResponse ok = api.provisionInstance(request("az-5xx-once", "Standard_B2s").build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, ok.getInstance().getStatus());
        assertEquals(2, standIn.calls("publicIPAddresses.createOrUpdate").size());

        standIn.faults().inject("publicIPAddresses.createOrUpdate", Fault.SERVER_ERROR, 4);
        StatusRuntimeException e = failing(Status.Code.UNAVAILABLE,
                () -> api.provisionInstance(request("az-5xx", "Standard_B2s").build()));
        assertInfo(e, "TRANSIENT", "REGION", null);
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent());
    }

    @Test
    void skuNotAvailableIsResourceExhaustedCapacity() {
        standIn.faults().inject("virtualMachines.createOrUpdate", Fault.CAPACITY, 1);
        StatusRuntimeException e = failing(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("az-sku", "Standard_B2s").build()));
        assertInfo(e, "CAPACITY", "REGION", "SkuNotAvailable");
    }

    @Test
    void allocationFailedAtTheEndOfTheOperationIsCapacity() {
        standIn.faults().inject("virtualMachines.createOrUpdate#lro", Fault.CAPACITY, 1);
        StatusRuntimeException e = failing(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("az-alloc", "Standard_B2s").build()));
        assertInfo(e, "CAPACITY", "REGION", "AllocationFailed");
        assertTrue(e.getStatus().getDescription().contains("sufficient capacity"));
        // The failed VM stays (as in Azure). Asked again with the same id, the same PUT retries it in place.
        assertEquals(1, standIn.liveInstances());
        ProvisionInstanceResponse retry = api.provisionInstance(request("az-alloc", "Standard_B2s").build());
        assertEquals("cp-az-alloc-vm", retry.getInstance().getId());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, retry.getInstance().getStatus());
        assertEquals(2, standIn.calls("virtualMachines.createOrUpdate").size());
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void quotaIsResourceExhaustedQuota() {
        standIn.faults().inject("virtualMachines.createOrUpdate", Fault.QUOTA, 1);
        StatusRuntimeException e = failing(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("az-quota", "Standard_B2s").build()));
        assertInfo(e, "QUOTA", "REGION", "OperationNotAllowed");
        standIn.faults().inject("virtualMachines.createOrUpdate#lro", Fault.QUOTA, 1);
        StatusRuntimeException lro = failing(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("az-quota-lro", "Standard_B2s").build()));
        assertInfo(lro, "QUOTA", "REGION", "QuotaExceeded");
    }

    @Test
    void rejectedTokenIsFailedPreconditionAuth() {
        standIn.faults().inject("virtualMachines.get", Fault.AUTH, 1);
        StatusRuntimeException e = failing(Status.Code.FAILED_PRECONDITION,
                () -> api.provisionInstance(request("az-auth", "Standard_B2s").build()));
        assertInfo(e, "AUTH", "PROVIDER", "InvalidAuthenticationToken");
        assertTrue(standIn.calls("virtualMachines.createOrUpdate").isEmpty());
    }

    @Test
    void rejectedClientSecretIsAuthAndNeverQuoted() {
        // A second credential set (another client id) makes azure-identity ask the token endpoint again.
        AzureClients other = new AzureClients(settings, name -> name.equals("AZURE_CLIENT_ID")
                ? java.util.Optional.of("99999999-2222-3333-4444-555555555555")
                : io.cloudprovisioner.provider.ConfigLookup.of(config).get(name));
        AzureAdapter a = new AzureAdapter(other, settings, network, config, guards);
        standIn.faults().inject("token", Fault.AUTH, 5);
        ProviderException e = org.junit.jupiter.api.Assertions.assertThrows(ProviderException.class,
                () -> a.describe("eastus", "cp-x-vm"));
        assertEquals(ErrorClass.AUTH, e.errorClass(), () -> e + " / " + e.getCause());
        assertEquals(ErrorScope.PROVIDER, e.scope());
        StatusRuntimeException s = ProviderErrors.toStatus(e);
        assertEquals(Status.Code.FAILED_PRECONDITION, s.getStatus().getCode());
        errorDescriptions.add(s.getStatus().getDescription());
        assertTrue(standIn.tokenRequests().stream().anyMatch(t -> t.contains(AzureStandInResource.FAKE_SECRET)),
                "the secret was really sent, so its absence from the error means something");
    }

    @Test
    void invalidParameterIsInvalidArgument() {
        // Standard_E2s_v5 is in the catalog but the stand-in's location does not offer it.
        int before = standIn.calls("virtualMachines.createOrUpdate").size();
        StatusRuntimeException e = failing(Status.Code.INVALID_ARGUMENT,
                () -> api.provisionInstance(request("az-bad", "Standard_E2s_v5").setSpec(ResourceSpec.newBuilder()
                        .setCpu(2).setMemoryGb(16).setStorageGb(40)).build()));
        assertInfo(e, "INVALID_REQUEST", "REQUEST", "InvalidParameter");
        assertEquals(before + 1, standIn.calls("virtualMachines.createOrUpdate").size(),
                "an invalid request is not retried");
    }

    @Test
    void unknownInstanceIsNotFound() {
        StatusRuntimeException e = failing(Status.Code.NOT_FOUND, () -> api.getInstanceDetails(
                GetInstanceDetailsRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                        .setRegion("eastus").setInstanceId("cp-nope-vm").build()));
        assertInfo(e, "NOT_FOUND", "REQUEST", "ResourceGroupNotFound");
        api.provisionInstance(request("az-exists", "Standard_B2s").build());
        StatusRuntimeException vm = failing(Status.Code.NOT_FOUND, () -> api.getInstanceDetails(
                GetInstanceDetailsRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE)
                        .setRegion("eastus").setInstanceId("cp-nope-vm").build()));
        assertInfo(vm, "NOT_FOUND", "REQUEST", "ResourceNotFound");
    }

    @Test
    void slowAnswersAreWaitedForAndTimeoutsRetried() {
        standIn.faults().slowDelayMillis(300);
        standIn.faults().inject("virtualMachines.instanceView", Fault.SLOW, 1);
        api.provisionInstance(request("az-slow", "Standard_B2s").build());
        // Beyond the 3 s read timeout: the SDK times out, the fault-tolerance guard retries once and it succeeds.
        standIn.faults().slowDelayMillis(3600);
        standIn.faults().inject("virtualMachines.get", Fault.SLOW, 1);
        long t0 = System.nanoTime();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, api.getInstanceStatus(GetInstanceStatusRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setRegion("eastus")
                .setInstanceId("cp-az-slow-vm").build()).getStatus());
        assertTrue(System.nanoTime() - t0 >= 2_500_000_000L, "waited for the read timeout");
        assertEquals(Map.of(Fault.SLOW, 2), standIn.faults().injectedCounts());
    }

    @Test
    void discoversSizesFromTheLocationsVmSizesList() {
        List<DiscoveredType> types = adapter.discoverTypes("eastus");
        Map<String, DiscoveredType> byName = types.stream().collect(Collectors.toMap(DiscoveredType::name, t -> t));
        assertEquals(new TreeSet<>(List.of("Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5",
                "Standard_DC2ads_v5", "Standard_E4s_v5")), new TreeSet<>(byName.keySet()));
        assertEquals(2.0, byName.get("Standard_D2s_v5").vcpus());
        assertEquals(8.0, byName.get("Standard_D2s_v5").memoryGib());
        assertTrue(Double.isNaN(byName.get("Standard_D2s_v5").usdPerHour()));
        assertEquals("/subscriptions/" + SUB + "/providers/Microsoft.Compute/locations/eastus/vmSizes",
                standIn.calls("virtualMachineSizes.list").get(0).path());
    }

    // ---- TerminateInstance tells the truth --------------------------------------------------------------------

    static TerminateInstanceRequest.Builder terminateRequest(String id) {
        return TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AZURE).setInstanceId(id);
    }

    @Test
    void terminateNamingAnotherRegionIsRefusedUnknownIdsAreNotFoundAndTwiceIsHarmless() {
        ProvisionedInstance i = api.provisionInstance(request("az-term-1", "Standard_B2s").build()).getInstance();
        StatusRuntimeException wrong = failing(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminateRequest(i.getId()).setRegion("canadacentral").build()));
        assertRegionRefused(wrong, "eastus");
        assertTrue(standIn.calls("virtualMachines.delete").isEmpty());
        assertEquals(1, standIn.liveInstances(), "still running");

        StatusRuntimeException unknown = failing(Status.Code.NOT_FOUND, () -> api.terminateInstance(
                terminateRequest("cp-never-made-vm").setRegion("eastus").build()));
        assertInfo(unknown, "NOT_FOUND", "REQUEST", "ResourceNotFound");
        // In another location the VM's resource group does not exist: unknown there too.
        failing(Status.Code.NOT_FOUND, () -> api.terminateInstance(terminateRequest("cp-never-made-vm")
                .setRegion("canadacentral").build()));
        assertTrue(standIn.calls().stream().noneMatch(c -> c.method().equals("DELETE")), "nothing deleted");

        TerminateInstanceResponse done = api.terminateInstance(terminateRequest(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, done.getStatus());
        assertEquals(LedgerState.LEDGER_STATE_TERMINATED, done.getLedgerState());
        assertEquals("eastus", done.getRegion());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(i.getId())
                .setRegion("eastus").setClientRequestId("az-term-again").build()).getStatus());
        assertEquals(1, standIn.calls("virtualMachines.delete").size(), "already terminated: no second delete");
        assertEquals(0, standIn.liveInstances());
    }

    static void assertRegionRefused(StatusRuntimeException e, String actual) {
        com.google.rpc.BadRequest br = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow();
        assertEquals("region", br.getFieldViolations(0).getField());
        assertTrue(br.getFieldViolations(0).getDescription().contains("is in region " + actual), br.toString());
    }
}

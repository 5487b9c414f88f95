package io.cloudprovisioner.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Azure VMs (as ARM sends them) → domain instances. */
class AzureConverterTest {

    @ParameterizedTest
    @CsvSource({"starting, STARTING", "running, RUNNING", "stopping, STOPPING", "deallocating, STOPPING",
        "stopped, STOPPED", "deallocated, STOPPED", "unknown, UNKNOWN", "hibernated, UNKNOWN"})
    void powerStates(String word, InstanceStatus expected) {
        assertEquals(expected, AzureConverter.powerState(word));
        AzureConverter.State st = AzureConverter.state(List.of(
                new InstanceViewStatus().withCode("ProvisioningState/succeeded"),
                new InstanceViewStatus().withCode("PowerState/" + word)), "Succeeded");
        assertEquals(expected, st.status());
        assertEquals("PowerState/" + word, st.providerStatus());
    }

    @Test
    void provisioningFailedIsUnknownAndWithoutInstanceViewTheProvisioningStateDecides() {
        assertEquals(InstanceStatus.UNKNOWN, AzureConverter.state(List.of(
                new InstanceViewStatus().withCode("ProvisioningState/failed/AllocationFailed"),
                new InstanceViewStatus().withCode("PowerState/running")), "Failed").status());
        assertEquals(InstanceStatus.STARTING, AzureConverter.state(null, "Creating").status());
        assertEquals(InstanceStatus.STOPPING, AzureConverter.state(null, "Deleting").status());
        assertEquals(InstanceStatus.UNKNOWN, AzureConverter.state(null, "Succeeded").status());
        assertEquals(InstanceStatus.UNKNOWN, AzureConverter.state(List.of(), null).status());
    }

    static VirtualMachineInner vm(String json) throws Exception {
        try (JsonReader r = JsonProviders.createReader(json)) {
            return VirtualMachineInner.fromJson(r);
        }
    }

    @Test
    void convertsAVmFromItsWireForm() throws Exception {
        VirtualMachineInner vm = vm("""
                {"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/cp-a-vm",
                 "name":"cp-a-vm","location":"westeurope","zones":["3"],
                 "tags":{"managed-by":"cloud-provisioner","cloudprovisioner-request-id":"a","team":"x"},
                 "properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v5"},"priority":"Spot",
                   "timeCreated":"2026-11-25T10:00:00Z","provisioningState":"Succeeded",
                   "instanceView":{"statuses":[{"code":"ProvisioningState/succeeded"},
                                               {"code":"PowerState/deallocated"}]}}}
                """);
        Instance i = AzureConverter.toInstance(vm, "ignored", "20.1.2.3", "10.0.0.4");
        assertEquals("cp-a-vm", i.id());
        assertEquals(Provider.AZURE, i.provider());
        assertEquals("Standard_D2s_v5", i.instanceType());
        assertEquals("westeurope", i.region());
        assertEquals("3", i.zone());
        assertEquals("20.1.2.3", i.publicIp());
        assertEquals("10.0.0.4", i.privateIp());
        assertEquals(InstanceStatus.STOPPED, i.status());
        assertEquals("PowerState/deallocated", i.providerStatus());
        assertEquals(Map.of("managed-by", "cloud-provisioner", "cloudprovisioner-request-id", "a", "team", "x"),
                i.labels());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), i.createdAt());
        assertTrue(i.spot());
        assertEquals("a", i.clientRequestId());

        Instance t = AzureConverter.terminated(i);
        assertEquals(InstanceStatus.TERMINATED, t.status());
        assertEquals("", t.publicIp());
    }

    @Test
    void sparseVmHasEmptyDefaults() throws Exception {
        Instance i = AzureConverter.toInstance(vm("{\"name\":\"v\",\"properties\":{}}"), "eastus", "", "");
        assertEquals("eastus", i.region());
        assertEquals("", i.zone());
        assertEquals("", i.instanceType());
        assertEquals("", i.clientRequestId());
        assertFalse(i.spot());
        assertNull(i.createdAt());
        assertEquals(InstanceStatus.UNKNOWN, i.status());
    }

    @Test
    void namesAreDeterministicAndValid() {
        assertEquals("cp-req-1", AzureAdapter.baseName("req-1"));
        String a = AzureAdapter.baseName("Req_1");
        assertEquals(a, AzureAdapter.baseName("Req_1"));
        assertFalse(a.equals(AzureAdapter.baseName("req_1")), "case-distinct ids stay distinct");
        String longId = "x".repeat(64);
        assertTrue(AzureAdapter.vmName(AzureAdapter.baseName(longId)).length() <= 64);
        assertTrue(AzureAdapter.baseName(longId).matches("cp-[a-z0-9-]+"));
        assertEquals("2", AzureAdapter.azureZone("eastus-2"));
        assertEquals("1", AzureAdapter.azureZone("1"));
        assertEquals("", AzureAdapter.azureZone(""));
        assertEquals("rg", AzureAdapter.resourceGroupOf("/subscriptions/s/resourceGroups/rg/providers/x/y/z"));
    }
}

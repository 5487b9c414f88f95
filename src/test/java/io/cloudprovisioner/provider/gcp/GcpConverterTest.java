package io.cloudprovisioner.provider.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Scheduling;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compute Engine instances to domain instances. */
class GcpConverterTest {

    @Test
    void statusWordsMapToDomainStates() {
        assertEquals(InstanceStatus.STARTING, GcpConverter.status("PROVISIONING"));
        assertEquals(InstanceStatus.STARTING, GcpConverter.status("STAGING"));
        assertEquals(InstanceStatus.RUNNING, GcpConverter.status("RUNNING"));
        assertEquals(InstanceStatus.STOPPING, GcpConverter.status("STOPPING"));
        assertEquals(InstanceStatus.STOPPING, GcpConverter.status("SUSPENDING"));
        assertEquals(InstanceStatus.STOPPED, GcpConverter.status("STOPPED"));
        assertEquals(InstanceStatus.STOPPED, GcpConverter.status("SUSPENDED"));
        // Compute's TERMINATED is a stopped VM that can be started again, never our TERMINATED.
        assertEquals(InstanceStatus.STOPPED, GcpConverter.status("TERMINATED"));
        assertEquals(InstanceStatus.UNKNOWN, GcpConverter.status("REPAIRING"));
        assertEquals(InstanceStatus.UNKNOWN, GcpConverter.status("SOMETHING_NEW"));
        assertEquals(InstanceStatus.UNKNOWN, GcpConverter.status(null));
    }

    @Test
    void anInstanceResourceBecomesADomainInstance() {
        Instance gcp = Instance.newBuilder().setName("cp-req-1-0a1b2c3d")
                .setZone("https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b")
                .setMachineType("https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/machineTypes/"
                        + "n2-standard-4")
                .setStatus("RUNNING").setCreationTimestamp("2026-11-25T01:02:03.456-08:00")
                .putAllLabels(Map.of("managed-by", "cloud-provisioner", "cloudprovisioner-request-id", "req-1",
                        "team", "core"))
                .addNetworkInterfaces(NetworkInterface.newBuilder().setNetworkIP("10.0.0.7")
                        .addAccessConfigs(AccessConfig.newBuilder().setNatIP("34.1.2.3")))
                .setScheduling(Scheduling.newBuilder().setProvisioningModel("SPOT")).build();
        io.cloudprovisioner.domain.Instance d = GcpConverter.toDomain(gcp);
        assertEquals("europe-west1-b/cp-req-1-0a1b2c3d", d.id());
        assertEquals(Provider.GCP, d.provider());
        assertEquals("n2-standard-4", d.instanceType());
        assertEquals("europe-west1", d.region());
        assertEquals("europe-west1-b", d.zone());
        assertEquals("34.1.2.3", d.publicIp());
        assertEquals("10.0.0.7", d.privateIp());
        assertEquals(InstanceStatus.RUNNING, d.status());
        assertEquals("RUNNING", d.providerStatus());
        assertEquals(Instant.parse("2026-11-25T09:02:03.456Z"), d.createdAt());
        assertTrue(d.spot());
        assertEquals("req-1", d.clientRequestId());
        assertEquals("core", d.labels().get("team"));
    }

    @Test
    void missingPartsStayEmpty() {
        io.cloudprovisioner.domain.Instance d = GcpConverter.toDomain(Instance.newBuilder().setName("x")
                .setZone("us-east1-c").setStatus("STAGING").build());
        assertEquals("", d.publicIp());
        assertEquals("", d.privateIp());
        assertEquals("", d.clientRequestId());
        assertFalse(d.spot());
        assertNull(d.createdAt());
        assertEquals("us-east1", d.region());
        assertTrue(GcpConverter.toDomain(Instance.newBuilder().setZone("a-b-c")
                .setScheduling(Scheduling.newBuilder().setPreemptible(true)).build()).spot());
    }

    @Test
    void namesAndRequestIdsAreDeterministicAndValid() {
        String a = GcpAdapter.instanceName("Req_ABC-1");
        assertEquals(a, GcpAdapter.instanceName("Req_ABC-1"));
        assertTrue(a.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])"), a);
        // Case matters for the request id, so the hash keeps ids that differ only in case apart.
        assertFalse(a.equals(GcpAdapter.instanceName("req_abc-1")));
        String longId = "A".repeat(64);
        assertTrue(GcpAdapter.instanceName(longId).length() <= 63);
        assertTrue(GcpAdapter.instanceName("---").matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])"));
        assertEquals(GcpAdapter.requestId("instances.insert", "r", "z1"),
                GcpAdapter.requestId("instances.insert", "r", "z1"));
        assertFalse(GcpAdapter.requestId("instances.insert", "r", "z1")
                .equals(GcpAdapter.requestId("instances.insert", "r", "z2")));
    }
}

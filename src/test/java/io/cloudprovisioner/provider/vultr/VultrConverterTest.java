package io.cloudprovisioner.provider.vultr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.vultr.dto.Plan;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Vultr instances and plans to domain objects, from the JSON of Vultr's spec examples. */
class VultrConverterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anInstanceBecomesADomainInstance() throws Exception {
        String json = """
                {"instance":{"id":"cb676a46-66fd-4dfb-b839-443f2e6c0b60","os":"CentOS SELinux 8 x64","ram":2048,
                 "disk":55,"main_ip":"192.0.2.123","vcpu_count":1,"region":"atl","plan":"vc2-6c-16gb",
                 "date_created":"2020-10-10T01:56:20+00:00","status":"active","power_status":"running",
                 "server_status":"ok","internal_ip":"10.1.96.3","label":"Example Instance",
                 "default_password":"v5{Fkvb#2ycPGwHs",
                 "tags":["a tag","managed-by:cloud-provisioner","cloudprovisioner-request-id:r-7"]}}""";
        Instance i = VultrConverter.toInstance(JSON.readValue(json,
                io.cloudprovisioner.provider.vultr.dto.Instance.Envelope.class).instance());
        assertEquals("cb676a46-66fd-4dfb-b839-443f2e6c0b60", i.id());
        assertEquals("vc2-6c-16gb", i.instanceType());
        assertEquals("atl", i.region());
        assertEquals("192.0.2.123", i.publicIp());
        assertEquals("10.1.96.3", i.privateIp());
        assertEquals(InstanceStatus.RUNNING, i.status());
        assertEquals("active/running/ok", i.providerStatus());
        assertEquals(Instant.parse("2020-10-10T01:56:20Z"), i.createdAt());
        assertEquals("r-7", i.clientRequestId());
        assertTrue(ManagedLabels.isManaged(i.labels()));
        assertEquals("", i.labels().get("a tag"));
    }

    @Test
    void statusWords() {
        assertEquals(InstanceStatus.STARTING, VultrConverter.status("pending", "running", "none"));
        assertEquals(InstanceStatus.STARTING, VultrConverter.status("active", "running", "installingbooting"));
        assertEquals(InstanceStatus.RUNNING, VultrConverter.status("active", "running", "ok"));
        assertEquals(InstanceStatus.STOPPED, VultrConverter.status("active", "stopped", "ok"));
        assertEquals(InstanceStatus.STOPPED, VultrConverter.status("suspended", "stopped", "ok"));
        assertEquals(InstanceStatus.UNKNOWN, VultrConverter.status("weird", "running", "ok"));
        assertEquals(InstanceStatus.UNKNOWN, VultrConverter.status(null, null, null));
    }

    @Test
    void aPlanPriceIsMonthlyOver730Hours() throws Exception {
        Plan p = JSON.readValue("""
                {"id":"vhf-8c-32gb","vcpu_count":8,"ram":32768,"disk":512,"disk_count":1,"bandwidth":6144,
                 "monthly_cost":192,"type":"vhf","locations":["sea"]}""", Plan.class);
        DiscoveredType t = VultrConverter.toType(p);
        assertEquals("vhf-8c-32gb", t.name());
        assertEquals(8, t.vcpus());
        assertEquals(32.0, t.memoryGib());
        assertEquals(0, t.gpuCount());
        assertEquals(192 / 730.0, t.usdPerHour(), 1e-12);
    }
}

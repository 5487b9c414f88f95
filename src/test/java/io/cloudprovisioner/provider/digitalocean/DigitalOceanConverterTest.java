package io.cloudprovisioner.provider.digitalocean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.digitalocean.dto.Droplet;
import io.cloudprovisioner.provider.digitalocean.dto.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DigitalOcean droplets and sizes to domain objects, from DigitalOcean's own JSON. */
class DigitalOceanConverterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Shape of the spec's droplet example, with networks and our tags. */
    static final String DROPLET = """
            {"droplet":{"id":3164494,"name":"cp-req-1","memory":1024,"vcpus":1,"disk":25,"locked":false,
             "status":"active","kernel":null,"created_at":"2020-07-21T18:37:44Z","features":["monitoring"],
             "size":{"slug":"s-1vcpu-1gb"},"size_slug":"s-1vcpu-1gb",
             "networks":{"v4":[{"ip_address":"10.128.192.124","netmask":"255.255.0.0","gateway":"nil","type":"private"},
                               {"ip_address":"192.241.165.154","netmask":"255.255.255.0","gateway":"192.241.165.1","type":"public"}],
                         "v6":[]},
             "region":{"name":"New York 3","slug":"nyc3"},
             "tags":["team:core","managed-by:cloud-provisioner","cloudprovisioner-request-id:req-1","web"],
             "vpc_uuid":"760e09ef"}}""";

    @Test
    void aDropletBecomesAnInstance() throws Exception {
        Instance i = DigitalOceanConverter.toInstance(JSON.readValue(DROPLET, Droplet.Envelope.class).droplet());
        assertEquals("3164494", i.id());
        assertEquals(Provider.DIGITALOCEAN, i.provider());
        assertEquals("s-1vcpu-1gb", i.instanceType());
        assertEquals("nyc3", i.region());
        assertEquals("", i.zone());
        assertEquals("192.241.165.154", i.publicIp());
        assertEquals("10.128.192.124", i.privateIp());
        assertEquals(InstanceStatus.RUNNING, i.status());
        assertEquals("active", i.providerStatus());
        assertEquals(Instant.parse("2020-07-21T18:37:44Z"), i.createdAt());
        assertEquals("req-1", i.clientRequestId());
        assertTrue(ManagedLabels.isManaged(i.labels()));
        assertEquals("core", i.labels().get("team"));
        assertEquals("", i.labels().get("web"));
        assertFalse(i.spot());
    }

    @Test
    void statusWords() {
        assertEquals(InstanceStatus.STARTING, DigitalOceanConverter.status("new"));
        assertEquals(InstanceStatus.RUNNING, DigitalOceanConverter.status("active"));
        assertEquals(InstanceStatus.STOPPED, DigitalOceanConverter.status("off"));
        assertEquals(InstanceStatus.TERMINATED, DigitalOceanConverter.status("archive"));
        assertEquals(InstanceStatus.UNKNOWN, DigitalOceanConverter.status("rebooting"));
        assertEquals(InstanceStatus.UNKNOWN, DigitalOceanConverter.status(null));
    }

    @Test
    void labelsRoundTripThroughTags() {
        Map<String, String> labels = ManagedLabels.forRequest("Req-9", Map.of("env", "prod"));
        List<String> tags = DigitalOceanConverter.tags(labels);
        assertEquals(List.of("env:prod", ManagedLabels.managedTag(), ManagedLabels.requestTag("Req-9")), tags);
        assertEquals(labels, DigitalOceanConverter.labels(tags));
    }

    @Test
    void aSizeBecomesADiscoveredType() throws Exception {
        Size s = JSON.readValue("""
                {"slug":"gpu-h100x1-80gb","memory":245760,"vcpus":20,"disk":720,"transfer":15.0,
                 "price_monthly":2522.16,"price_hourly":3.39,"regions":["tor1"],"available":true,
                 "description":"GPU","gpu_info":{"count":1,"model":"nvidia_h100"}}""", Size.class);
        DiscoveredType t = DigitalOceanConverter.toType(s);
        assertEquals("gpu-h100x1-80gb", t.name());
        assertEquals(20, t.vcpus());
        assertEquals(240.0, t.memoryGib());
        assertEquals(1, t.gpuCount());
        assertEquals(3.39, t.usdPerHour());
    }
}

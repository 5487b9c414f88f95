package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Provider;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZoneNamesTest {
    static Optional<String> parent(Provider p, String name) {
        return ZoneNames.zone(p, name).map(ZoneNames.Zone::parentRegion);
    }

    @Test
    void awsZonesBelongToTheirRegion() {
        assertEquals(Optional.of("us-west-2"), parent(Provider.AWS, "us-west-2-lax-1"));
        assertEquals("AWS Local Zone", ZoneNames.zone(Provider.AWS, "us-west-2-lax-1").orElseThrow().kind());
        assertEquals(Optional.of("us-west-2"), parent(Provider.AWS, "us-west-2-lax-1a"));
        assertEquals(Optional.of("us-east-1"), parent(Provider.AWS, "us-east-1-bos-1"));
        assertEquals(Optional.of("us-east-1"), parent(Provider.AWS, "us-east-1-wl1-bos-wlz-1"));
        assertEquals(Optional.of("us-east-1"), parent(Provider.AWS, "us-east-1a"));
        assertEquals(Optional.of("us-gov-west-1"), parent(Provider.AWS, "us-gov-west-1a"));
        for (String region : new String[] {"us-east-1", "us-gov-west-1", "ap-southeast-5", "eu-central-2",
                "il-central-1"}) {
            assertTrue(ZoneNames.zone(Provider.AWS, region).isEmpty(), region);
        }
    }

    @Test
    void gcpZonesBelongToTheirRegion() {
        assertEquals(Optional.of("us-central1"), parent(Provider.GCP, "us-central1-a"));
        assertEquals(Optional.of("europe-west4"), parent(Provider.GCP, "europe-west4-c"));
        assertTrue(ZoneNames.zone(Provider.GCP, "us-central1").isEmpty());
        assertTrue(ZoneNames.zone(Provider.GCP, "northamerica-northeast2").isEmpty());
    }

    @Test
    void otherProvidersNamesAreRegions() {
        assertTrue(ZoneNames.zone(Provider.AZURE, "eastus2").isEmpty());
        assertTrue(ZoneNames.zone(Provider.DIGITALOCEAN, "nyc3").isEmpty());
        assertTrue(ZoneNames.zone(Provider.VULTR, "ewr").isEmpty());
    }
}

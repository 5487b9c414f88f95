package io.cloudprovisioner.selection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedOfferingsTest {
    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void capacityBlocksTheOfferingUntilItIsForgotten() {
        MutableClock clock = new MutableClock();
        FailedOfferings f = new FailedOfferings(Duration.ofMinutes(5), clock);
        f.failed(Provider.AWS, "us-east-1", "m6i.large", ErrorClass.CAPACITY, ErrorScope.REGION);
        assertTrue(f.blocked(Provider.AWS, "us-east-1", "m6i.large").isPresent());
        assertFalse(f.blocked(Provider.AWS, "us-east-1", "m5.large").isPresent(), "other types still tried");
        assertFalse(f.blocked(Provider.AWS, "us-west-2", "m6i.large").isPresent(), "other regions still tried");
        clock.now = clock.now.plus(Duration.ofMinutes(5)).plusSeconds(1);
        assertFalse(f.blocked(Provider.AWS, "us-east-1", "m6i.large").isPresent(), "forgotten after the period");
    }

    @Test
    void quotaBlocksTheRegionOrTheProviderByScope() {
        FailedOfferings f = new FailedOfferings(Duration.ofMinutes(5), new MutableClock());
        f.failed(Provider.GCP, "us-central1", "n2-standard-2", ErrorClass.QUOTA, ErrorScope.REGION);
        assertTrue(f.blocked(Provider.GCP, "us-central1", "e2-medium").isPresent());
        assertFalse(f.blocked(Provider.GCP, "europe-west1", "e2-medium").isPresent());
        f.failed(Provider.DIGITALOCEAN, "nyc3", "s-1vcpu-1gb", ErrorClass.QUOTA, ErrorScope.PROVIDER);
        assertTrue(f.blocked(Provider.DIGITALOCEAN, "sfo3", "s-2vcpu-4gb").isPresent());
        assertFalse(f.blocked(Provider.VULTR, "ewr", "vc2-1c-1gb").isPresent());
    }

    @Test
    void otherErrorsAreNotRemembered() {
        FailedOfferings f = new FailedOfferings(Duration.ofMinutes(5), new MutableClock());
        for (ErrorClass c : new ErrorClass[] { ErrorClass.TRANSIENT, ErrorClass.RATE_LIMITED, ErrorClass.AUTH,
                ErrorClass.INVALID_REQUEST, ErrorClass.NOT_FOUND }) {
            f.failed(Provider.AWS, "us-east-1", "t3.micro", c, ErrorScope.PROVIDER);
        }
        assertFalse(f.blocked(Provider.AWS, "us-east-1", "t3.micro").isPresent());
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.time.Duration;
import java.util.Optional;

/**
 * The notice each provider documents before it reclaims a spot / preemptible instance. DigitalOcean and Vultr sell
 * no spot capacity.
 *
 * @param source the provider's documentation stating it
 */
public record SpotNotice(Duration notice, String source) {

    public static Optional<SpotNotice> of(Provider provider) {
        return Optional.ofNullable(switch (provider) {
            case AWS -> new SpotNotice(Duration.ofMinutes(2),
                    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html");
            case GCP -> new SpotNotice(Duration.ofSeconds(30),
                    "https://cloud.google.com/compute/docs/instances/spot#preemption-process");
            case AZURE -> new SpotNotice(Duration.ofSeconds(30),
                    "https://learn.microsoft.com/azure/virtual-machines/linux/scheduled-events");
            case DIGITALOCEAN, VULTR -> null;
        });
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names that are zones, not regions: a zone belongs to its parent region, and the catalog and the API never treat it
 * as a region of its own. AWS: availability zones ({@code us-east-1a}), Local Zones ({@code us-west-2-lax-1},
 * {@code us-west-2-lax-1a}) and Wavelength Zones ({@code us-east-1-wl1-bos-wlz-1}); GCP: zones
 * ({@code us-central1-a}). Azure, DigitalOcean and Vultr zone names never look like region names.
 */
public final class ZoneNames {
    private static final String AWS_REGION = "([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]+)";
    private static final Pattern AWS_AZ = Pattern.compile(AWS_REGION + "[a-z]");
    private static final Pattern AWS_LOCAL_ZONE = Pattern.compile(AWS_REGION + "-[a-z]{3}-[0-9]+[a-z]?");
    private static final Pattern AWS_WAVELENGTH = Pattern.compile(AWS_REGION + "-wl[0-9]+-[a-z0-9-]+");
    private static final Pattern GCP_ZONE = Pattern.compile("([a-z]+-[a-z]+[0-9]+)-[a-z]");

    private ZoneNames() {
    }

    /** What kind of zone {@code name} is and the region it belongs to. */
    public record Zone(String kind, String parentRegion) {
    }

    /** The zone {@code name} names for {@code provider}, or empty when it is not a zone name. */
    public static Optional<Zone> zone(Provider provider, String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (provider) {
            case AWS -> match(AWS_WAVELENGTH, name, "AWS Wavelength Zone")
                    .or(() -> match(AWS_LOCAL_ZONE, name, "AWS Local Zone"))
                    .or(() -> match(AWS_AZ, name, "availability zone"));
            case GCP -> match(GCP_ZONE, name, "zone");
            default -> Optional.empty();
        };
    }

    private static Optional<Zone> match(Pattern p, String name, String kind) {
        Matcher m = p.matcher(name);
        return m.matches() ? Optional.of(new Zone(kind, m.group(1))) : Optional.empty();
    }
}

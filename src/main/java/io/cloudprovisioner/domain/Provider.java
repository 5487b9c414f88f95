package io.cloudprovisioner.domain;

import java.util.Locale;
import java.util.Optional;

/** The five clouds. {@link #id()} is the lower-case key used in the catalog files and configuration. */
public enum Provider {
    AWS("aws", "Amazon EC2"),
    GCP("gcp", "Google Compute Engine"),
    AZURE("azure", "Azure Virtual Machines"),
    DIGITALOCEAN("digitalocean", "DigitalOcean Droplets"),
    VULTR("vultr", "Vultr");

    private final String id;
    private final String displayName;

    Provider(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** Parses "aws", "AWS", "digitalocean" ... */
    public static Optional<Provider> fromId(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Provider p : values()) {
            if (p.id.equals(v) || p.name().toLowerCase(Locale.ROOT).equals(v)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}

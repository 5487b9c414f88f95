package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.digitalocean.dto.Droplet;
import io.cloudprovisioner.provider.digitalocean.dto.Size;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** DigitalOcean objects to domain objects, and labels to DigitalOcean's plain-string tags and back. */
public final class DigitalOceanConverter {
    private DigitalOceanConverter() {
    }

    /** Droplet status: new, active, off, archive (DigitalOcean's four words). */
    public static InstanceStatus status(String status) {
        return switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
            case "new" -> InstanceStatus.STARTING;
            case "active" -> InstanceStatus.RUNNING;
            case "off" -> InstanceStatus.STOPPED;
            case "archive" -> InstanceStatus.TERMINATED;
            default -> InstanceStatus.UNKNOWN;
        };
    }

    public static Instance toInstance(Droplet d) {
        Map<String, String> labels = labels(d.tags());
        String publicIp = "";
        String privateIp = "";
        if (d.networks() != null && d.networks().v4() != null) {
            for (Droplet.Network n : d.networks().v4()) {
                if ("public".equals(n.type()) && publicIp.isEmpty()) {
                    publicIp = nullToEmpty(n.ipAddress());
                } else if ("private".equals(n.type()) && privateIp.isEmpty()) {
                    privateIp = nullToEmpty(n.ipAddress());
                }
            }
        }
        String region = d.region() == null ? "" : nullToEmpty(d.region().slug());
        return new Instance(Long.toString(d.id()), Provider.DIGITALOCEAN, nullToEmpty(d.sizeSlug()), region, "",
                publicIp, privateIp, status(d.status()), nullToEmpty(d.status()), labels, time(d.createdAt()), false,
                labels.getOrDefault(ManagedLabels.REQUEST_ID, ""));
    }

    /** Labels as tags: "key:value" (DigitalOcean tags allow letters, digits, '_', '-', ':'). */
    public static List<String> tags(Map<String, String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach((k, v) -> out.add(k + ":" + v));
        return out;
    }

    /** Tags back to labels: "key:value" splits at the first ':'; a bare tag becomes a label with an empty value. */
    public static Map<String, String> labels(List<String> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null) {
            for (String t : tags) {
                int i = t.indexOf(':');
                if (i < 0) {
                    out.put(t, "");
                } else {
                    out.put(t.substring(0, i), t.substring(i + 1));
                }
            }
        }
        return out;
    }

    /** A size from /v2/sizes (memory in MiB, price_hourly in USD). */
    public static DiscoveredType toType(Size s) {
        return new DiscoveredType(s.slug(), s.vcpus(), s.memory() / 1024.0, s.gpuInfo() == null ? 0
                : s.gpuInfo().count(), s.priceHourly() > 0 ? s.priceHourly() : Double.NaN);
    }

    static Instant time(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.vultr.dto.Instance;
import io.cloudprovisioner.provider.vultr.dto.Plan;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Vultr objects to domain objects, and labels to Vultr's plain-string tags and back. */
public final class VultrConverter {
    /** Vultr prices plans per month; hours per month used to derive an hourly price (365 * 24 / 12 = 730). */
    public static final double HOURS_PER_MONTH = 730.0;

    private VultrConverter() {
    }

    /**
     * Vultr's three status words: status (pending, active, suspended, resizing), power_status (running, stopped)
     * and server_status (none, locked, installingbooting, ok).
     */
    public static InstanceStatus status(String status, String powerStatus, String serverStatus) {
        String s = lower(status);
        String p = lower(powerStatus);
        String v = lower(serverStatus);
        return switch (s) {
            case "pending", "resizing" -> InstanceStatus.STARTING;
            case "suspended" -> InstanceStatus.STOPPED;
            case "active" -> switch (p) {
                case "stopped" -> InstanceStatus.STOPPED;
                case "running" -> v.equals("installingbooting") || v.equals("locked") ? InstanceStatus.STARTING
                        : InstanceStatus.RUNNING;
                default -> InstanceStatus.UNKNOWN;
            };
            default -> InstanceStatus.UNKNOWN;
        };
    }

    public static io.cloudprovisioner.domain.Instance toInstance(Instance i) {
        Map<String, String> labels = labels(i.tags());
        String ip = i.mainIp() == null || i.mainIp().equals("0.0.0.0") ? "" : i.mainIp();
        return new io.cloudprovisioner.domain.Instance(i.id(), Provider.VULTR, nullToEmpty(i.plan()),
                nullToEmpty(i.region()), "", ip, nullToEmpty(i.internalIp()),
                status(i.status(), i.powerStatus(), i.serverStatus()),
                nullToEmpty(i.status()) + "/" + nullToEmpty(i.powerStatus()) + "/" + nullToEmpty(i.serverStatus()),
                labels, time(i.dateCreated()), false, labels.getOrDefault(ManagedLabels.REQUEST_ID, ""));
    }

    /** Labels as tags: "key:value". */
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

    /** A plan: ram MB to GiB; hourly price = monthly_cost / 730 (Vultr bills hourly up to the monthly cap). */
    public static DiscoveredType toType(Plan p) {
        int gpus = p.gpuVramGb() > 0 || (p.gpuType() != null && !p.gpuType().isBlank()) ? 1 : 0;
        return new DiscoveredType(p.id(), p.vcpuCount(), p.ram() / 1024.0, gpus,
                p.monthlyCost() > 0 ? p.monthlyCost() / HOURS_PER_MONTH : Double.NaN);
    }

    static java.time.Instant time(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

package io.cloudprovisioner.provider.gcp;

import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Scheduling;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Compute Engine instances to the domain {@link io.cloudprovisioner.domain.Instance}. The domain id is
 * {@code zone/name}: Compute addresses instances by project, zone and name.
 */
public final class GcpConverter {
    private GcpConverter() {
    }

    public static io.cloudprovisioner.domain.Instance toDomain(Instance i) {
        String zone = lastSegment(i.getZone());
        String publicIp = "";
        String privateIp = "";
        if (i.getNetworkInterfacesCount() > 0) {
            NetworkInterface nic = i.getNetworkInterfaces(0);
            privateIp = nic.getNetworkIP();
            if (nic.getAccessConfigsCount() > 0) {
                AccessConfig ac = nic.getAccessConfigs(0);
                publicIp = ac.getNatIP();
            }
        }
        boolean spot = i.hasScheduling() && (Scheduling.ProvisioningModel.SPOT.name()
                .equals(i.getScheduling().getProvisioningModel()) || i.getScheduling().getPreemptible());
        return new io.cloudprovisioner.domain.Instance(id(zone, i.getName()), Provider.GCP,
                lastSegment(i.getMachineType()), regionOf(zone), zone, publicIp, privateIp, status(i.getStatus()),
                i.getStatus(), i.getLabelsMap(), created(i.getCreationTimestamp()), spot,
                i.getLabelsMap().getOrDefault(ManagedLabels.REQUEST_ID, ""));
    }

    /**
     * Compute's status words. Its "TERMINATED" means stopped (the VM can be started again); a deleted instance
     * is a 404, reported TERMINATED by the adapter.
     */
    public static InstanceStatus status(String gcp) {
        if (gcp == null) {
            return InstanceStatus.UNKNOWN;
        }
        return switch (gcp) {
            case "PROVISIONING", "STAGING" -> InstanceStatus.STARTING;
            case "RUNNING" -> InstanceStatus.RUNNING;
            case "STOPPING", "SUSPENDING" -> InstanceStatus.STOPPING;
            case "STOPPED", "SUSPENDED", "TERMINATED" -> InstanceStatus.STOPPED;
            default -> InstanceStatus.UNKNOWN; // REPAIRING and anything new
        };
    }

    /** The domain id of an instance. */
    public static String id(String zone, String name) {
        return zone + "/" + name;
    }

    /** "us-central1-a" → "us-central1". */
    public static String regionOf(String zone) {
        int dash = zone.lastIndexOf('-');
        return dash <= 0 ? zone : zone.substring(0, dash);
    }

    /** The last path segment of a Compute resource URL ("https://.../zones/us-central1-a" → "us-central1-a"). */
    public static String lastSegment(String url) {
        if (url == null) {
            return "";
        }
        int slash = url.lastIndexOf('/');
        return slash < 0 ? url : url.substring(slash + 1);
    }

    /** Compute's RFC 3339 timestamps ("2026-11-25T01:02:03.456-08:00"); null when absent or unparsable. */
    static Instant created(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

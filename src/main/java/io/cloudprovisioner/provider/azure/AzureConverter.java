package io.cloudprovisioner.provider.azure;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Azure virtual machines → domain {@link Instance}. Pure. */
public final class AzureConverter {
    private AzureConverter() {
    }

    /** A status and the Azure word it came from ("PowerState/running", "ProvisioningState/failed/..."). */
    public record State(InstanceStatus status, String providerStatus) {
    }

    /**
     * @param statuses the instance view statuses (may be null when the VM was read without its instance view)
     * @param provisioningState the VM's provisioningState, used when the instance view carries no power state
     */
    public static State state(List<InstanceViewStatus> statuses, String provisioningState) {
        String power = null;
        String failed = null;
        if (statuses != null) {
            for (InstanceViewStatus s : statuses) {
                String code = s.code() == null ? "" : s.code();
                String lc = code.toLowerCase(Locale.ROOT);
                if (lc.startsWith("powerstate/")) {
                    power = code;
                } else if (lc.startsWith("provisioningstate/failed")) {
                    failed = code;
                }
            }
        }
        if (failed != null) {
            return new State(InstanceStatus.UNKNOWN, failed);
        }
        if (power != null) {
            return new State(powerState(power.substring("PowerState/".length())), power);
        }
        String ps = provisioningState == null ? "" : provisioningState;
        InstanceStatus st = switch (ps.toLowerCase(Locale.ROOT)) {
            case "creating", "updating", "migrating" -> InstanceStatus.STARTING;
            case "deleting" -> InstanceStatus.STOPPING;
            default -> InstanceStatus.UNKNOWN;
        };
        return new State(st, ps.isEmpty() ? "" : "ProvisioningState/" + ps);
    }

    /** PowerState/&lt;word&gt; → status. Stopped and deallocated VMs still exist: STOPPED, never TERMINATED. */
    public static InstanceStatus powerState(String word) {
        return switch (word == null ? "" : word.toLowerCase(Locale.ROOT)) {
            case "starting" -> InstanceStatus.STARTING;
            case "running" -> InstanceStatus.RUNNING;
            case "stopping", "deallocating" -> InstanceStatus.STOPPING;
            case "stopped", "deallocated" -> InstanceStatus.STOPPED;
            default -> InstanceStatus.UNKNOWN;
        };
    }

    /**
     * @param region the location asked for, used when the VM does not carry one
     * @param publicIp / privateIp looked up from the VM's network interface ("" when unknown)
     */
    public static Instance toInstance(VirtualMachineInner vm, String region, String publicIp, String privateIp) {
        State st = state(vm.instanceView() == null ? null : vm.instanceView().statuses(), vm.provisioningState());
        Map<String, String> tags = vm.tags() == null ? Map.of() : vm.tags();
        String zone = vm.zones() == null || vm.zones().isEmpty() ? "" : vm.zones().get(0);
        String type = vm.hardwareProfile() == null || vm.hardwareProfile().vmSize() == null ? ""
                : vm.hardwareProfile().vmSize().toString();
        Instant created = vm.timeCreated() == null ? null : vm.timeCreated().toInstant();
        boolean spot = vm.priority() != null && "spot".equalsIgnoreCase(vm.priority().toString());
        String location = vm.location() == null || vm.location().isBlank() ? region : vm.location();
        return new Instance(vm.name(), Provider.AZURE, type, location, zone, publicIp, privateIp, st.status(),
                st.providerStatus(), tags, created, spot, tags.getOrDefault(ManagedLabels.REQUEST_ID, ""));
    }

    /** The same instance, terminated. */
    public static Instance terminated(Instance i) {
        return new Instance(i.id(), i.provider(), i.instanceType(), i.region(), i.zone(), "", "",
                InstanceStatus.TERMINATED, "Deleted", i.labels(), i.createdAt(), i.spot(), i.clientRequestId());
    }
}

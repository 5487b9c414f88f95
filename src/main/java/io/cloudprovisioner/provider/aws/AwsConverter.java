package io.cloudprovisioner.provider.aws;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.InstanceState;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;

/** EC2 objects → domain {@link Instance}. Pure. */
public final class AwsConverter {
    private AwsConverter() {
    }

    /**
     * Normalised state: pending → STARTING, running → RUNNING, stopping → STOPPING, stopped → STOPPED (a stopped
     * instance can be started again: never TERMINATED), shutting-down and terminated → TERMINATED (neither can come
     * back), anything else → UNKNOWN.
     */
    public static InstanceStatus status(String ec2State) {
        if (ec2State == null) {
            return InstanceStatus.UNKNOWN;
        }
        return switch (ec2State) {
            case "pending" -> InstanceStatus.STARTING;
            case "running" -> InstanceStatus.RUNNING;
            case "stopping" -> InstanceStatus.STOPPING;
            case "stopped" -> InstanceStatus.STOPPED;
            case "shutting-down", "terminated" -> InstanceStatus.TERMINATED;
            default -> InstanceStatus.UNKNOWN;
        };
    }

    public static String stateName(InstanceState state) {
        if (state == null) {
            return "";
        }
        return state.name() == InstanceStateName.UNKNOWN_TO_SDK_VERSION || state.name() == null
                ? state.nameAsString() == null ? "" : state.nameAsString() : state.name().toString();
    }

    public static Map<String, String> tags(Iterable<Tag> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null) {
            for (Tag t : tags) {
                if (t.key() != null) {
                    out.put(t.key(), t.value() == null ? "" : t.value());
                }
            }
        }
        return out;
    }

    /** The instance in {@code region}. The client request id is EC2's ClientToken, else the request-id tag. */
    public static Instance toInstance(software.amazon.awssdk.services.ec2.model.Instance i, String region) {
        Map<String, String> labels = tags(i.tags());
        String state = stateName(i.state());
        String requestId = i.clientToken() != null && !i.clientToken().isEmpty() ? i.clientToken()
                : labels.getOrDefault(ManagedLabels.REQUEST_ID, "");
        String zone = i.placement() == null ? "" : i.placement().availabilityZone();
        boolean spot = i.instanceLifecycle() == InstanceLifecycleType.SPOT;
        return new Instance(i.instanceId(), Provider.AWS, i.instanceTypeAsString() == null ? ""
                : i.instanceTypeAsString(), region, zone, i.publicIpAddress(), i.privateIpAddress(), status(state),
                state, labels, i.launchTime(), spot, requestId);
    }
}

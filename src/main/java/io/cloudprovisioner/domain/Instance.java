package io.cloudprovisioner.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A virtual machine as a provider reports it.
 *
 * @param providerStatus the provider's own state word (e.g. "pending", "PROVISIONING", "PowerState/running")
 * @param labels tags / labels on the instance, including this service's managed-by and request-id labels
 * @param createdAt creation time, null when the provider does not say
 * @param clientRequestId the request id that created it, from its labels; empty when unknown
 */
public record Instance(String id, Provider provider, String instanceType, String region, String zone,
        String publicIp, String privateIp, InstanceStatus status, String providerStatus, Map<String, String> labels,
        Instant createdAt, boolean spot, String clientRequestId) {

    public Instance {
        zone = zone == null ? "" : zone;
        publicIp = publicIp == null ? "" : publicIp;
        privateIp = privateIp == null ? "" : privateIp;
        providerStatus = providerStatus == null ? "" : providerStatus;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        clientRequestId = clientRequestId == null ? "" : clientRequestId;
    }
}

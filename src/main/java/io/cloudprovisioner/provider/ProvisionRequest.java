package io.cloudprovisioner.provider;

import java.util.Map;

/**
 * What an adapter is asked to create. Validated before it reaches an adapter.
 *
 * @param zone empty = the adapter chooses within the region (and may try the next zone on capacity errors)
 * @param requireTee enable the provider's confidential-computing option for the type
 * @param spot use spot / preemptible capacity
 * @param clientRequestId idempotency key: reaches the cloud's own mechanism (EC2 ClientToken, GCP requestId,
 *     Azure deterministic names, DigitalOcean / Vultr tag looked up before create) and the instance's labels
 * @param labels user labels to put on the instance (the adapter adds managed-by and request-id)
 * @param storageGb boot disk size
 */
public record ProvisionRequest(String instanceType, String region, String zone, boolean requireTee, boolean spot,
        String clientRequestId, Map<String, String> labels, int storageGb) {

    public ProvisionRequest {
        zone = zone == null ? "" : zone;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}

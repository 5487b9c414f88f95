package io.cloudprovisioner.ledger;

import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import java.time.Instant;
import java.util.Map;

/**
 * One ledger row: a ProvisionInstance request and the instance it created (or its failure).
 *
 * @param requestKey the client request id lower-cased (what the cloud labels carry)
 * @param fingerprint SHA-256 of the request without its id: the same id with other parameters is a conflict
 * @param request the request as canonical JSON (without its id)
 * @param provider the current (while CREATING) or final target; null before the first attempt
 * @param instanceStatus last status seen in the cloud; null before the instance exists
 * @param owner the node working on it while CREATING / TERMINATING, else null
 */
public record LedgerRecord(String requestKey, String clientRequestId, String fingerprint, String caller,
        RecordState state, Provider provider, String region, String zone, String instanceType, String instanceId,
        String publicIp, String privateIp, InstanceStatus instanceStatus, boolean spot, String request,
        Map<String, String> labels, String errorClass, String errorScope, String errorMessage, String owner, Instant createdAt,
        Instant updatedAt, Instant instanceCreatedAt) {

    public LedgerRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public boolean hasInstance() {
        return instanceId != null && !instanceId.isEmpty();
    }
}

package io.cloudprovisioner.deployment.kubernetes;

import io.cloudprovisioner.deployment.DeploymentRecord;
import io.cloudprovisioner.deployment.DeploymentState;
import java.time.Instant;
import java.util.List;

/**
 * One deployment onto a Kubernetes target as the ledger keeps it (a deployment_record row with target_type
 * KUBERNETES): where (kubeconfig context, namespace), the objects' common name and which objects were made, the
 * Service's ports, and never an env value (only their hash).
 */
public record KubernetesDeploymentRecord(String requestKey, String clientRequestId, String fingerprint,
        String caller, String blueprintId, String image, String context, String namespace, String name,
        List<String> objects, String envHash, List<DeploymentRecord.PortMapping> ports, String healthPath,
        String qosEndpoint, DeploymentState state, String detail, String owner, Instant createdAt,
        Instant updatedAt) {
}

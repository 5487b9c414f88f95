package io.cloudprovisioner.deployment;

import io.cloudprovisioner.domain.Provider;
import java.time.Instant;
import java.util.List;

/** One deployment as the ledger keeps it (never an env value: only their hash). */
public record DeploymentRecord(String requestKey, String clientRequestId, String fingerprint, String caller,
        String blueprintId, String image, Provider provider, String region, String instanceId, String host,
        int sshPort, String sshUser, String runtime, String containerName, String containerId, String remoteDir,
        String envHash, List<PortMapping> ports, String healthPath, String qosEndpoint, DeploymentState state,
        String detail, String owner, Instant createdAt, Instant updatedAt) {

    /** A published port: container port, host port, protocol ("tcp" / "udp"), port name. */
    public record PortMapping(int containerPort, int hostPort, String protocol, String name) {
    }
}

package io.cloudprovisioner.deployment.kubernetes;

/**
 * A validated autoscaling policy: replicas between {@code minReplicas} and {@code maxReplicas}, aiming at the CPU and
 * memory utilisation targets (percent of the requests), with stabilisation windows when scaling up and down.
 */
public record Autoscaling(int minReplicas, int maxReplicas, int targetCpuPercent, int targetMemoryPercent,
        int scaleUpSeconds, int scaleDownSeconds) {
}

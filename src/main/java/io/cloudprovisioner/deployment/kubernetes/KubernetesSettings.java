package io.cloudprovisioner.deployment.kubernetes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How blueprints are deployed onto generic Kubernetes clusters (a kubeconfig and one of its contexts). */
@ConfigMapping(prefix = "cloudprovisioner.kubernetes")
public interface KubernetesSettings {
    /**
     * The kubeconfig file whose contexts are the clusters a target may name. Empty: the first file of the KUBECONFIG
     * environment variable, else ~/.kube/config.
     */
    Optional<String> kubeconfig();

    /** Type of the Service made for a blueprint's ports: ClusterIP, NodePort or LoadBalancer. */
    @WithDefault("ClusterIP")
    String serviceType();

    /** How long DeployBlueprintToTarget waits for an available replica (never past the call's deadline). */
    @WithDefault("2m")
    Duration readyTimeout();

    /** Connect timeout of the API server calls. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Timeout of one API server request. */
    @WithDefault("20s")
    Duration requestTimeout();

    /** Retries of a failed API server request (with back-off); 0 = none. */
    @WithDefault("1")
    int requestRetries();

    /** Pods must run as a non-root user (securityContext.runAsNonRoot): the image must name a numeric user. */
    @WithDefault("false")
    boolean runAsNonRoot();

    /** User id the containers run as; empty = the image's own user. */
    Optional<Long> runAsUser();

    /** Read-only root file system for the containers. */
    @WithDefault("false")
    boolean readOnlyRoot();

    /** imagePullPolicy of the containers: IfNotPresent, Always or Never. */
    @WithDefault("IfNotPresent")
    String imagePullPolicy();
}

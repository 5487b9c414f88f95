package io.cloudprovisioner.deployment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How blueprints are deployed onto instances (SSH, container runtime, hardening, health gate). */
@ConfigMapping(prefix = "cloudprovisioner.deployment")
public interface DeploymentSettings {
    /**
     * The service's SSH private key (OpenSSH format, unencrypted). Empty: an ed25519 key pair generated once under
     * {@code <data-dir>/ssh/} (its public key is installed by the adapters when cloudprovisioner.network.ssh-public-key
     * is empty).
     */
    Optional<String> sshPrivateKey();

    /**
     * When cloudprovisioner.network.ssh-public-key is empty: let the adapters install the service key's public key
     * (generated when no private key is configured). False: install no key then.
     */
    @WithDefault("true")
    boolean installServiceKey();

    /** SSH port of the instances. */
    @WithDefault("22")
    int sshPort();

    /**
     * Login user per provider (aws, gcp, azure, digitalocean, vultr), overriding the defaults: ubuntu on AWS (the
     * Ubuntu images the adapter starts), cloudprovisioner.network.ssh-user on GCP and Azure (the user the adapters
     * install the key for), root on DigitalOcean and Vultr.
     */
    Map<String, String> sshUser();

    /** One SSH connection attempt's timeout. */
    @WithDefault("10s")
    Duration sshConnectTimeout();

    /** Pause between SSH connection attempts while an instance boots. */
    @WithDefault("2s")
    Duration sshRetryDelay();

    /** How long connecting may be retried (never past the call's deadline). */
    @WithDefault("3m")
    Duration sshRetryFor();

    /** Limit of one remote command (an image pull included). */
    @WithDefault("10m")
    Duration commandTimeout();

    /** "missing" = pull only when the image is not on the host; "always" = pull every time. */
    @WithDefault("missing")
    String pullPolicy();

    /** Restart policy of the containers: always, unless-stopped, on-failure or on-failure:N. */
    @WithDefault("always")
    String restartPolicy();

    /** Maximum number of processes in a container. */
    @WithDefault("512")
    int pidsLimit();

    /** Run containers with a read-only root file system (and a tmpfs at each of {@link #tmpfs()}). */
    @WithDefault("false")
    boolean readOnlyRoot();

    /** tmpfs mounts when the root file system is read-only. */
    @WithDefault("/tmp,/run")
    List<String> tmpfs();

    /** User to run containers as ("uid[:gid]" or a name); empty = the image's own user. */
    Optional<String> runAsUser();

    /** Host address the ports are published on: 0.0.0.0 (every interface) or 127.0.0.1 (loopback only). */
    @WithDefault("0.0.0.0")
    String publishAddress();

    /** The hosts' directory (relative to the login user's home) holding one private directory per deployment. */
    @WithDefault(".cloudprovisioner/deployments")
    String remoteDir();

    /** How long DeployBlueprint waits for the workload to become healthy (never past the call's deadline). */
    @WithDefault("2m")
    Duration healthTimeout();

    /** Timeout of one health probe. */
    @WithDefault("5s")
    Duration probeTimeout();

    /** Pause between health probes while waiting. */
    @WithDefault("1s")
    Duration probeInterval();
}

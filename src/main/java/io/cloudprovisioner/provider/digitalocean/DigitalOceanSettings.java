package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.provider.FaultToleranceSettings;
import io.cloudprovisioner.provider.ProviderAnswerSettings;
import io.cloudprovisioner.provider.ProviderAnswers;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * DigitalOcean adapter settings ({@code cloudprovisioner.digitalocean.*}). The token is not here: it is read through
 * {@link io.cloudprovisioner.provider.ConfigLookup} from DIGITALOCEAN_TOKEN / DO_API_TOKEN / DO_TOKEN.
 */
@ConfigMapping(prefix = "cloudprovisioner.digitalocean")
public interface DigitalOceanSettings {
    /** API base URL without the /v2 path (the REST interface adds it); point it at a compatible API or a test double. */
    @WithDefault("https://api.digitalocean.com")
    URI baseUrl();

    /** Image slug (or numeric id) new droplets boot from. */
    @WithDefault("ubuntu-24-04-x64")
    String image();

    /** SSH key ids or fingerprints already in the account, embedded in every new droplet. */
    Optional<List<String>> sshKeys();

    /** Register cloudprovisioner.network.ssh-public-key through the keys API (looked up by name first). */
    @WithDefault("true")
    boolean registerSshKey();

    /** Name under which that public key is registered and looked up. */
    @WithDefault("cloud-provisioner")
    String sshKeyName();

    /** Cloud-init user data for new droplets (plain text, at most 64 KiB); empty = none. */
    Optional<String> userData();

    /** Prefix of new droplets' names (the name is prefix-requestid). */
    @WithDefault("cp")
    String namePrefix();

    /** Create (once, looked up by name) a cloud firewall for cloudprovisioner.network.* applied by the managed tag. */
    @WithDefault("true")
    boolean firewall();

    /** Name prefix of that firewall; a hash of its rules is appended so changed rules get a new firewall. */
    @WithDefault("cloud-provisioner")
    String firewallName();

    /** TCP connect timeout of every API call. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Read timeout of every API call. */
    @WithDefault("30s")
    Duration readTimeout();

    /** How long provision waits for the droplet to become active. */
    @WithDefault("5m")
    Duration provisionTimeout();

    /** Interval between status reads while waiting for active. */
    @WithDefault("5s")
    Duration pollInterval();

    /** Longest wait at the rate-limit gate (limit used up, reset announced) before failing fast with RATE_LIMITED. */
    @WithDefault("30s")
    Duration maxRetryWait();

    /** Page size of list calls (DigitalOcean allows up to 200). */
    @WithDefault("200")
    int pageSize();

    /**
     * SmallRye Fault Tolerance around every call of this adapter: timeouts, retry, circuit breaker, bulkhead
     * ({@code cloudprovisioner.digitalocean.fault-tolerance.*}; each key defaults to the same key under
     * {@code cloudprovisioner.fault-tolerance.*}).
     */
    FaultToleranceSettings faultTolerance();

    /**
     * The limits this provider's answers are held to: page cap of a listing, believable machine-type figures and
     * prices ({@code cloudprovisioner.digitalocean.provider-answers.*}; each key defaults to the same key under
     * {@code cloudprovisioner.provider-answers.*}). See {@link ProviderAnswers}.
     */
    ProviderAnswerSettings providerAnswers();
}

package io.cloudprovisioner.provider.vultr;

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
 * Vultr adapter settings ({@code cloudprovisioner.vultr.*}). The API key is not here: it is read through
 * {@link io.cloudprovisioner.provider.ConfigLookup} from VULTR_API_KEY.
 */
@ConfigMapping(prefix = "cloudprovisioner.vultr")
public interface VultrSettings {
    /** API base URL including the /v2 path (Vultr's spec: server https://api.vultr.com/v2, paths /instances...). */
    @WithDefault("https://api.vultr.com/v2")
    URI baseUrl();

    /**
     * Operating system id of new instances. 2284 = Ubuntu 24.04 LTS x64 in Vultr's GET /os list (the bundled
     * 2023-02 spec predates it; its examples show 215 = Ubuntu 20.04 x64).
     */
    @WithDefault("2284")
    int osId();

    /** SSH key ids already in the account, installed on every new instance (sshkey_id). */
    Optional<List<String>> sshKeys();

    /** Register cloudprovisioner.network.ssh-public-key through the SSH keys API (looked up by name first). */
    @WithDefault("true")
    boolean registerSshKey();

    /** Name under which that public key is registered and looked up. */
    @WithDefault("cloud-provisioner")
    String sshKeyName();

    /** Cloud-init user data for new instances (plain text; the adapter base64-encodes it); empty = none. */
    Optional<String> userData();

    /** Prefix of new instances' labels and host names (prefix-requestid). */
    @WithDefault("cp")
    String namePrefix();

    /** Create (once, looked up by description) a firewall group for cloudprovisioner.network.* and attach it. */
    @WithDefault("true")
    boolean firewall();

    /** Description prefix of that firewall group; a hash of its rules is appended. */
    @WithDefault("cloud-provisioner")
    String firewallName();

    /** TCP connect timeout of every API call. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Read timeout of every API call. */
    @WithDefault("30s")
    Duration readTimeout();

    /** How long provision waits for the instance to become active and running. */
    @WithDefault("10m")
    Duration provisionTimeout();

    /** Interval between status reads while waiting. */
    @WithDefault("5s")
    Duration pollInterval();

    /** Longest wait at the rate-limit gate (after a 429's retry-after) before failing fast with RATE_LIMITED. */
    @WithDefault("30s")
    Duration maxRetryWait();

    /** per_page of list calls (Vultr allows up to 500). */
    @WithDefault("100")
    int pageSize();

    /**
     * SmallRye Fault Tolerance around every call of this adapter: timeouts, retry, circuit breaker, bulkhead
     * ({@code cloudprovisioner.vultr.fault-tolerance.*}; each key defaults to the same key under
     * {@code cloudprovisioner.fault-tolerance.*}).
     */
    FaultToleranceSettings faultTolerance();

    /**
     * The limits this provider's answers are held to: page cap of a listing, believable machine-type figures and
     * prices ({@code cloudprovisioner.vultr.provider-answers.*}; each key defaults to the same key under
     * {@code cloudprovisioner.provider-answers.*}). See {@link ProviderAnswers}.
     */
    ProviderAnswerSettings providerAnswers();
}

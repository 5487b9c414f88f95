package io.cloudprovisioner.provider.azure;

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
 * Azure adapter settings (prefix {@code cloudprovisioner.azure}). Credentials are NOT here: they come from
 * AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID / AZURE_SUBSCRIPTION_ID through ConfigLookup.
 */
@ConfigMapping(prefix = "cloudprovisioner.azure")
public interface AzureSettings {
    /** Azure Resource Manager base URL; empty = the public cloud (https://management.azure.com/). */
    Optional<String> resourceManagerEndpoint();

    /** Microsoft Entra ID authority host for the token request; empty = https://login.microsoftonline.com/. */
    Optional<String> authorityHost();

    /**
     * Skip Entra ID instance discovery (needed for an authority host that is not a known Microsoft cloud, e.g. a
     * sovereign or test authority). Defaults to true when {@link #authorityHost()} is set, else false.
     */
    Optional<Boolean> disableInstanceDiscovery();

    /** PKCS#12 trust store with extra CA certificates for ARM and the authority (empty = JDK defaults). */
    Optional<String> trustStore();

    /** Password of {@link #trustStore()} (not a cloud secret; never logged). */
    Optional<String> trustStorePassword();

    /**
     * Azure Retail Prices API (public, unauthenticated) for live prices; point it at a compatible service or a test
     * double.
     */
    @WithDefault("https://prices.azure.com/api/retail/prices")
    URI retailPricesUrl();

    /** Regions whose live prices are read (empty = every catalog region). */
    Optional<List<String>> retailPricesRegions();

    /** Resource group name prefix: one group per location, named {@code <prefix>-<location>}. */
    @WithDefault("cloudprovisioner")
    String resourceGroupPrefix();

    /** Address space of the per-location virtual network the adapter creates. */
    @WithDefault("10.42.0.0/16")
    String vnetAddressSpace();

    /** Subnet prefix inside {@link #vnetAddressSpace()}. */
    @WithDefault("10.42.0.0/24")
    String subnetPrefix();

    /** Image publisher. */
    @WithDefault("Canonical")
    String imagePublisher();

    /** Image offer (default: Ubuntu 22.04 LTS). */
    @WithDefault("0001-com-ubuntu-server-jammy")
    String imageOffer();

    /** Image SKU (default: Ubuntu 22.04 LTS, generation 2). */
    @WithDefault("22_04-lts-gen2")
    String imageSku();

    /** Image version. */
    @WithDefault("latest")
    String imageVersion();

    /** Image offer used when require_tee (a confidential-VM capable image). */
    @WithDefault("0001-com-ubuntu-confidential-vm-jammy")
    String teeImageOffer();

    /** Image SKU used when require_tee. */
    @WithDefault("22_04-lts-cvm")
    String teeImageSku();

    /** Confidential VM OS disk encryption: VMGuestStateOnly or DiskWithVMGuestState. */
    @WithDefault("VMGuestStateOnly")
    String teeDiskEncryptionType();

    /** Spot eviction policy: Deallocate or Delete. */
    @WithDefault("Deallocate")
    String spotEvictionPolicy();

    /** OS disk storage account type. */
    @WithDefault("Premium_LRS")
    String osDiskType();

    /** Delete the per-location network security group on terminate when it is ours and no NIC uses it. */
    @WithDefault("true")
    boolean deleteUnusedSecurityGroup();

    /** TCP connect timeout. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Read / response timeout of one HTTP call. */
    @WithDefault("60s")
    Duration readTimeout();

    /** Overall bound of one provision (all long-running operations and the wait for PowerState/running). */
    @WithDefault("15m")
    Duration provisionTimeout();

    /** Overall bound of one terminate (all deletes). */
    @WithDefault("15m")
    Duration terminateTimeout();

    /** Poll interval of long-running operations and of the wait for the running power state. */
    @WithDefault("5s")
    Duration pollInterval();

    /**
     * Retries of one HTTP call on 429 / 5xx / I/O errors (the SDK's retry policy; Retry-After honoured). 0 by
     * default: the fault-tolerance guard retries the whole operation, and both together would multiply attempts.
     */
    @WithDefault("0")
    int maxRetries();

    /** Base delay of the exponential retry backoff. */
    @WithDefault("800ms")
    Duration retryBaseDelay();

    /** Maximum delay of the retry backoff. */
    @WithDefault("30s")
    Duration retryMaxDelay();

    /**
     * SmallRye Fault Tolerance around every call of this adapter: timeouts, retry, circuit breaker, bulkhead
     * ({@code cloudprovisioner.azure.fault-tolerance.*}; each key defaults to the same key under
     * {@code cloudprovisioner.fault-tolerance.*}).
     */
    FaultToleranceSettings faultTolerance();

    /**
     * The limits this provider's answers are held to: page cap of a listing, believable machine-type figures and
     * prices ({@code cloudprovisioner.azure.provider-answers.*}; each key defaults to the same key under
     * {@code cloudprovisioner.provider-answers.*}). See {@link ProviderAnswers}.
     */
    ProviderAnswerSettings providerAnswers();
}

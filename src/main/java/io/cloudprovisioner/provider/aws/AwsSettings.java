package io.cloudprovisioner.provider.aws;

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
 * Settings of the AWS EC2 adapter ({@code cloudprovisioner.aws.*}). Credentials are not here: they come from
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) or the SDK's default chain, see {@link AwsClients}.
 */
@ConfigMapping(prefix = "cloudprovisioner.aws")
public interface AwsSettings {
    /** EC2 endpoint override (an EC2-compatible API or a test stand-in); empty = the real regional endpoint. */
    Optional<URI> endpoint();

    /**
     * AWS Price List Query API endpoint for live on-demand prices (a compatible API or a test stand-in); empty =
     * https://api.pricing.{pricing-region}.amazonaws.com.
     */
    Optional<URI> pricingEndpoint();

    /** Region of the Price List API (it answers for every EC2 region): us-east-1, eu-central-1 or ap-south-1. */
    @WithDefault("us-east-1")
    String pricingRegion();

    /**
     * Regions listed when ListInstances names no region. Empty = only regions passed explicitly are ever asked
     * (listing every catalog region would be dozens of calls).
     */
    Optional<List<String>> regions();

    /**
     * Explicit AMIs as {@code region=ami-id} entries (comma-separated); a region listed here skips the owner /
     * name-filter lookup.
     */
    Optional<List<String>> amis();

    /** Owner (account id or alias) of the image looked up with DescribeImages; default Canonical. */
    @WithDefault("099720109477")
    String imageOwner();

    /**
     * Name filter (DescribeImages "name", wildcards allowed) of the image; {arch} is replaced by the instance type's
     * architecture as Ubuntu names it (amd64 / arm64). The newest match by CreationDate wins.
     */
    @WithDefault("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-{arch}-server-*")
    String imageNameFilter();

    /**
     * An existing EC2 key pair installed on instances. Empty (the default): the service's SSH public key
     * (cloudprovisioner.network.ssh-public-key, or its own deployment key) is imported once per region as the key
     * pair {@code <ssh-key-name>-<first 8 hex digits of its SHA-256>}, unless {@link #registerSshKey()} is false.
     */
    Optional<String> keyName();

    /** Import the service's SSH public key as an EC2 key pair when no {@link #keyName()} is configured. */
    @WithDefault("true")
    boolean registerSshKey();

    /** Prefix of the imported key pair's name (the suffix identifies the key material, so a new key gets a new pair). */
    @WithDefault("cloud-provisioner")
    String sshKeyName();

    /** Name of the security group created once per region (tagged managed-by) and attached to every instance. */
    @WithDefault("cloud-provisioner")
    String securityGroupName();

    /** VPC for the security group; empty = the region's default VPC. */
    Optional<String> vpcId();

    /** Subnet to launch into; empty = the default subnet of the zone / default VPC. */
    Optional<String> subnetId();

    /** EBS volume type of the root volume. */
    @WithDefault("gp3")
    String rootVolumeType();

    /** TCP connect timeout of the HTTP client. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Socket read timeout of the HTTP client. */
    @WithDefault("30s")
    Duration readTimeout();

    /** Timeout of one HTTP attempt of an API call. */
    @WithDefault("30s")
    Duration apiCallAttemptTimeout();

    /** Timeout of one API call including its retries. */
    @WithDefault("90s")
    Duration apiCallTimeout();

    /**
     * Attempts per API call (first try included) of the SDK's standard retry strategy. 1 (no SDK retry) by default:
     * the fault-tolerance guard retries the whole operation, and both together would multiply the attempts.
     */
    @WithDefault("1")
    int maxAttempts();

    /** Base delay of the retry backoff for transient errors (exponential, full jitter). */
    @WithDefault("100ms")
    Duration retryBaseDelay();

    /** Base delay of the retry backoff for throttling errors (exponential, full jitter). */
    @WithDefault("1s")
    Duration throttleBaseDelay();

    /** Upper bound of any retry backoff delay. */
    @WithDefault("20s")
    Duration retryMaxDelay();

    /** How long provisioning waits (SDK waiter) for the instance to reach running. */
    @WithDefault("5m")
    Duration provisionTimeout();

    /** Interval between the waiter's DescribeInstances polls. */
    @WithDefault("5s")
    Duration pollInterval();

    /**
     * SmallRye Fault Tolerance around every call of this adapter: timeouts, retry, circuit breaker, bulkhead
     * ({@code cloudprovisioner.aws.fault-tolerance.*}; each key defaults to the same key under
     * {@code cloudprovisioner.fault-tolerance.*}).
     */
    FaultToleranceSettings faultTolerance();

    /**
     * The limits this provider's answers are held to: page cap of a listing, believable machine-type figures and
     * prices ({@code cloudprovisioner.aws.provider-answers.*}; each key defaults to the same key under
     * {@code cloudprovisioner.provider-answers.*}). See {@link ProviderAnswers}.
     */
    ProviderAnswerSettings providerAnswers();
}

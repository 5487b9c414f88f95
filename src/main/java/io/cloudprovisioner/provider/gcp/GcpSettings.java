package io.cloudprovisioner.provider.gcp;

import io.cloudprovisioner.provider.FaultToleranceSettings;
import io.cloudprovisioner.provider.ProviderAnswerSettings;
import io.cloudprovisioner.provider.ProviderAnswers;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the Compute Engine adapter. Credentials and project are not here: they come from
 * GOOGLE_APPLICATION_CREDENTIALS / GCP_PROJECT_ID / GOOGLE_CLOUD_PROJECT through {@link GcpDescriptor}'s rules.
 */
@ConfigMapping(prefix = "cloudprovisioner.gcp")
public interface GcpSettings {
    /**
     * Compute API endpoint override: {@code host:port} (https) or a full {@code http://host:port} URL for a local
     * stand-in or emulator. Empty = the real cloud (compute.googleapis.com:443).
     */
    Optional<String> endpoint();

    /** Send no credentials at all (for emulators and stand-ins only; the real API refuses such calls). */
    @WithDefault("false")
    boolean noCredentials();

    /** Boot image: an image URL or family URL, e.g. projects/debian-cloud/global/images/family/debian-12. */
    @WithDefault("projects/debian-cloud/global/images/family/debian-12")
    String image();

    /** Boot disk type within the zone (pd-balanced, pd-ssd, pd-standard, hyperdisk-balanced). */
    @WithDefault("pd-balanced")
    String diskType();

    /** VPC network the instances and the firewall rule use. */
    @WithDefault("global/networks/default")
    String network();

    /** Give instances an ephemeral external IP (ONE_TO_ONE_NAT access config). */
    @WithDefault("true")
    boolean externalIp();

    /** Network tag put on every instance; the ingress firewall rule targets it. */
    @WithDefault("cloud-provisioner")
    String networkTag();

    /** Name of the ingress firewall rule (created once, looked up by name first). */
    @WithDefault("cloud-provisioner-ingress")
    String firewallRuleName();

    /** Zone suffixes tried in this order within a region when the request names no zone (region + "-" + suffix). */
    @WithDefault("a,b,c")
    List<String> zoneSuffixes();

    /**
     * Explicit zone order per region, comma-separated, overriding {@link #zoneSuffixes()} for that region, e.g.
     * {@code cloudprovisioner.gcp.zones."europe-west1"=europe-west1-b,europe-west1-c,europe-west1-d}.
     */
    Map<String, String> zones();

    /** Most zones tried for one provision when capacity runs out (bounds the zone fallback). */
    @WithDefault("3")
    int maxZoneAttempts();

    /** Use SEV_SNP instead of SEV for confidential n2d instances. */
    @WithDefault("false")
    boolean n2dSevSnp();

    /** What GCP does when it reclaims a spot instance: DELETE or STOP. */
    @WithDefault("DELETE")
    String spotTerminationAction();

    /** Connect timeout of one HTTP attempt (part of the per-attempt RPC timeout, see readTimeout). */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Read timeout of one HTTP attempt (gax applies connect + read as the per-attempt RPC timeout). */
    @WithDefault("30s")
    Duration readTimeout();

    /** Total time one API call may take including gax retries. */
    @WithDefault("60s")
    Duration callTimeout();

    /**
     * gax attempts per API call (1 = no gax retry); retried on 429, 503 and timeouts. Inserts carry a requestId.
     * 1 by default: the fault-tolerance guard retries the whole operation, and both together would multiply attempts.
     */
    @WithDefault("1")
    int maxAttempts();

    /** First backoff between attempts (doubles up to {@link #maxRetryDelay()}). */
    @WithDefault("500ms")
    Duration initialRetryDelay();

    /** Longest backoff between attempts. */
    @WithDefault("8s")
    Duration maxRetryDelay();

    /** Longest wait for an instance to be RUNNING after insert (operation wait plus status polls). */
    @WithDefault("5m")
    Duration provisionTimeout();

    /** Pause between instance status reads while waiting for RUNNING. */
    @WithDefault("3s")
    Duration pollInterval();

    /**
     * SmallRye Fault Tolerance around every call of this adapter: timeouts, retry, circuit breaker, bulkhead
     * ({@code cloudprovisioner.gcp.fault-tolerance.*}; each key defaults to the same key under
     * {@code cloudprovisioner.fault-tolerance.*}).
     */
    FaultToleranceSettings faultTolerance();

    /**
     * The limits this provider's answers are held to: page cap of a listing, believable machine-type figures and
     * prices ({@code cloudprovisioner.gcp.provider-answers.*}; each key defaults to the same key under
     * {@code cloudprovisioner.provider-answers.*}). See {@link ProviderAnswers}.
     */
    ProviderAnswerSettings providerAnswers();
}

package io.cloudprovisioner.provider.aws;

import io.cloudprovisioner.provider.ConfigLookup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Builds and caches one {@link Ec2Client} (and its waiter) per region from {@link AwsSettings} and the credentials
 * found through {@link ConfigLookup}: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) when set, else
 * the SDK's default chain without instance metadata unless AWS_EC2_METADATA_CREDENTIALS=true (as
 * {@link AwsDescriptor} detects them). Every client has explicit HTTP and API-call timeouts and the SDK's standard
 * retry strategy retrying throttling and transient errors only, with 1 attempt by default (no SDK retry: the
 * adapter's fault-tolerance guard retries the whole operation). Secrets are held by the SDK's credential objects,
 * which never print them.
 */
@Singleton
public class AwsClients {
    private final AwsSettings settings;
    private final ConfigLookup config;
    private final Map<String, Regional> clients = new ConcurrentHashMap<>();

    @Inject
    public AwsClients(AwsSettings settings, Config config) {
        this.settings = settings;
        this.config = ConfigLookup.of(config);
    }

    /** The region's client. */
    public Ec2Client ec2(String region) {
        return regional(region).client();
    }

    /** The region's waiter, bounded by the provisioning timeout and poll interval. */
    public Ec2Waiter waiter(String region) {
        return regional(region).waiter();
    }

    private Regional regional(String region) {
        return clients.computeIfAbsent(region, this::build);
    }

    private Regional build(String region) {
        Ec2ClientBuilder b = Ec2Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.readTimeout()))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(settings.apiCallTimeout())
                        .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
                        .retryStrategy(retryStrategy()));
        settings.endpoint().ifPresent(b::endpointOverride);
        Ec2Client client = b.build();
        long polls = Math.max(1, settings.provisionTimeout().toMillis() / Math.max(1, settings.pollInterval().toMillis()));
        Ec2Waiter waiter = Ec2Waiter.builder().client(client)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .waitTimeout(settings.provisionTimeout())
                        .maxAttempts((int) Math.min(10_000, polls + 1))
                        .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(settings.pollInterval()))
                        .build())
                .build();
        return new Regional(client, waiter);
    }

    /** The SDK's standard strategy, bounded, retrying only what {@link AwsErrors#retryable} allows. */
    StandardRetryStrategy retryStrategy() {
        return StandardRetryStrategy.builder()
                .useClientDefaults(false)
                .maxAttempts(Math.max(1, settings.maxAttempts()))
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.retryBaseDelay(), settings.retryMaxDelay()))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(settings.throttleBaseDelay(),
                        settings.retryMaxDelay()))
                .retryOnException(AwsErrors::retryable)
                .treatAsThrottling(AwsErrors::throttling)
                .build();
    }

    AwsCredentialsProvider credentials() {
        Optional<String> id = config.get("AWS_ACCESS_KEY_ID");
        Optional<String> secret = config.get("AWS_SECRET_ACCESS_KEY");
        if (id.isPresent() && secret.isPresent()) {
            Optional<String> token = config.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(id.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(id.get(), secret.get()));
        }
        List<AwsCredentialsProvider> chain = new ArrayList<>();
        chain.add(SystemPropertyCredentialsProvider.create());
        chain.add(EnvironmentVariableCredentialsProvider.create());
        chain.add(ProfileCredentialsProvider.builder().profileName(config.get("AWS_PROFILE").orElse("default"))
                .build());
        if (config.firstSet("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
                .isPresent()) {
            chain.add(ContainerCredentialsProvider.builder().build());
        }
        if (config.get("AWS_EC2_METADATA_CREDENTIALS").map(Boolean::parseBoolean).orElse(false)) {
            chain.add(InstanceProfileCredentialsProvider.builder().build());
        }
        return AwsCredentialsProviderChain.builder().credentialsProviders(chain).reuseLastProviderEnabled(true)
                .build();
    }

    /** Secret values configured for this provider, so that callers can check text for them (tests, redaction). */
    List<String> secrets() {
        List<String> out = new ArrayList<>();
        config.get("AWS_SECRET_ACCESS_KEY").ifPresent(out::add);
        config.get("AWS_SESSION_TOKEN").ifPresent(out::add);
        return out;
    }

    @PreDestroy
    void close() {
        clients.values().forEach(r -> {
            r.waiter().close();
            r.client().close();
        });
        clients.clear();
    }

    private record Regional(Ec2Client client, Ec2Waiter waiter) {
    }
}

package io.cloudprovisioner.provider.aws;

import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderDescriptor;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * AWS EC2. Credentials follow the AWS SDK's default chain: environment variables, Java system properties, the
 * shared profile files (~/.aws/credentials, ~/.aws/config, AWS_PROFILE), the ECS container endpoint, and EC2
 * instance metadata. Instance metadata is asked only when AWS_EC2_METADATA_CREDENTIALS=true, so that a service
 * running off EC2 never probes the link-local metadata address.
 */
@Singleton
public class AwsDescriptor implements ProviderDescriptor {
    static final List<String> ENV = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_PROFILE", "AWS_REGION", "AWS_EC2_METADATA_CREDENTIALS");

    @Override
    public Provider provider() {
        return Provider.AWS;
    }

    @Override
    public List<String> configurationEnvVars() {
        return ENV;
    }

    @Override
    public CredentialStatus detectCredentials(ConfigLookup config) {
        if (config.get("AWS_ACCESS_KEY_ID").isPresent() && config.get("AWS_SECRET_ACCESS_KEY").isPresent()) {
            return CredentialStatus.found("environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
        }
        List<Named> chain = new ArrayList<>();
        chain.add(new Named("java system properties aws.accessKeyId/aws.secretAccessKey",
                SystemPropertyCredentialsProvider.create()));
        String profile = config.get("AWS_PROFILE").orElse("default");
        chain.add(new Named("aws profile '" + profile + "'",
                ProfileCredentialsProvider.builder().profileName(profile).build()));
        if (config.firstSet("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
                .isPresent()) {
            chain.add(new Named("ECS container credentials endpoint", ContainerCredentialsProvider.builder().build()));
        }
        if (config.get("AWS_EC2_METADATA_CREDENTIALS").map(Boolean::parseBoolean).orElse(false)) {
            chain.add(new Named("EC2 instance profile", InstanceProfileCredentialsProvider.builder().build()));
        }
        for (Named n : chain) {
            try {
                n.provider.resolveCredentials();
                return CredentialStatus.found("aws default credential chain: " + n.name);
            } catch (RuntimeException notThere) {
                // next link of the chain
            }
        }
        return CredentialStatus.missing("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                + "AWS_PROFILE with ~/.aws/credentials, or AWS_EC2_METADATA_CREDENTIALS=true on EC2");
    }

    @Override
    public Set<DeploymentType> deploymentTypes() {
        return Set.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES, DeploymentType.KUBERNETES,
                DeploymentType.SERVERLESS);
    }

    @Override
    public boolean zones() {
        return true;
    }

    @Override
    public boolean spotCapacity() {
        return true;
    }

    @Override
    public boolean regionalInstanceIds() {
        return true;
    }

    private record Named(String name, AwsCredentialsProvider provider) {
    }
}

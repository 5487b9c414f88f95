package io.cloudprovisioner.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ProviderDescriptor;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Google Compute Engine. Credentials: the service-account key file named by GOOGLE_APPLICATION_CREDENTIALS, or
 * gcloud's application-default credentials file. Project: GCP_PROJECT_ID, GOOGLE_CLOUD_PROJECT, or the key file's
 * own project_id (the only field read from it).
 */
@Singleton
public class GcpDescriptor implements ProviderDescriptor {
    static final List<String> ENV = List.of("GOOGLE_APPLICATION_CREDENTIALS", "GCP_PROJECT_ID",
            "GOOGLE_CLOUD_PROJECT");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Provider provider() {
        return Provider.GCP;
    }

    @Override
    public List<String> configurationEnvVars() {
        return ENV;
    }

    @Override
    public CredentialStatus detectCredentials(ConfigLookup config) {
        Optional<String> keyFile = config.get("GOOGLE_APPLICATION_CREDENTIALS");
        Path file;
        String source;
        if (keyFile.isPresent()) {
            file = Path.of(keyFile.get());
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                return CredentialStatus.missing("GOOGLE_APPLICATION_CREDENTIALS names a file that cannot be read");
            }
            source = "GOOGLE_APPLICATION_CREDENTIALS key file";
        } else {
            file = applicationDefault(config);
            if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
                return CredentialStatus.missing("no GCP credentials: set GOOGLE_APPLICATION_CREDENTIALS to a "
                        + "service-account key file (or run gcloud auth application-default login), and "
                        + "GCP_PROJECT_ID");
            }
            source = "gcloud application-default credentials";
        }
        Optional<String> projectVar = config.firstSet("GCP_PROJECT_ID", "GOOGLE_CLOUD_PROJECT");
        if (projectVar.isPresent()) {
            return CredentialStatus.found(source + ", project from " + projectVar.get());
        }
        if (projectIdIn(file).isPresent()) {
            return CredentialStatus.found(source + ", project from the key file");
        }
        return CredentialStatus.missing("GCP credentials found but no project: set GCP_PROJECT_ID or "
                + "GOOGLE_CLOUD_PROJECT");
    }

    private static Path applicationDefault(ConfigLookup config) {
        Optional<String> dir = config.get("CLOUDSDK_CONFIG");
        if (dir.isPresent()) {
            return Path.of(dir.get(), "application_default_credentials.json");
        }
        String home = System.getProperty("user.home");
        return home == null ? null : Path.of(home, ".config", "gcloud", "application_default_credentials.json");
    }

    private static Optional<String> projectIdIn(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile()).get("project_id");
            return node == null || node.asText().isBlank() ? Optional.empty() : Optional.of(node.asText());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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
}

package io.cloudprovisioner.provider.gcp;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.FirewallsSettings;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.GlobalOperationsSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.MachineTypesClient;
import com.google.cloud.compute.v1.MachineTypesSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;

/**
 * Builds and caches the official Compute Engine clients (REST / HTTP-JSON transport; Compute's API is global, so
 * one client of each kind serves every region). Every unary call gets explicit attempts (1 by default: the adapter's
 * fault-tolerance guard retries the whole operation) and timeouts: gax's defaults are minutes long, and a refused
 * connection shows up as UNKNOWN. Credentials come only from
 * {@link ConfigLookup}; neither the key nor the access token is ever logged or put into a message.
 */
@Singleton
public class GcpClients {
    static final String COMPUTE_SCOPE = "https://www.googleapis.com/auth/compute";
    /** Retried codes: HTTP 429, 5xx and per-attempt timeouts. Safe for inserts, which carry a requestId. */
    static final Set<StatusCode.Code> RETRYABLE = Set.of(StatusCode.Code.UNAVAILABLE,
            StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.DEADLINE_EXCEEDED, StatusCode.Code.INTERNAL);

    private final GcpSettings settings;
    private final ConfigLookup config;
    private Clients clients;

    @Inject
    public GcpClients(GcpSettings settings, Config config) {
        this(settings, ConfigLookup.of(config));
    }

    public GcpClients(GcpSettings settings, ConfigLookup config) {
        this.settings = settings;
        this.config = config;
    }

    /** The clients and project, built on first use. */
    synchronized Clients get() {
        if (clients == null) {
            clients = build();
        }
        return clients;
    }

    @PreDestroy
    synchronized void close() {
        if (clients != null) {
            clients.instances().close();
            clients.zoneOperations().close();
            clients.globalOperations().close();
            clients.firewalls().close();
            clients.machineTypes().close();
            clients = null;
        }
    }

    /** The built clients for one project. */
    record Clients(String project, InstancesClient instances, ZoneOperationsClient zoneOperations,
            GlobalOperationsClient globalOperations, FirewallsClient firewalls, MachineTypesClient machineTypes) {
    }

    private Clients build() {
        HttpTransport transport = new NetHttpTransport();
        GoogleCredentials credentials = settings.noCredentials() ? null : credentials(transport);
        String project = project(credentials);
        CredentialsProvider cp = credentials == null ? NoCredentialsProvider.create()
                : FixedCredentialsProvider.create(credentials);
        RetrySettings retry = retrySettings();
        try {
            InstancesSettings.Builder ib = base(InstancesSettings.newBuilder(), cp, transport,
                    InstancesSettings.defaultHttpJsonTransportProviderBuilder());
            ib.applyToAllUnaryMethods(b -> apply(b, retry));
            ZoneOperationsSettings.Builder zb = base(ZoneOperationsSettings.newBuilder(), cp, transport,
                    ZoneOperationsSettings.defaultHttpJsonTransportProviderBuilder());
            zb.applyToAllUnaryMethods(b -> apply(b, retry));
            GlobalOperationsSettings.Builder gb = base(GlobalOperationsSettings.newBuilder(), cp, transport,
                    GlobalOperationsSettings.defaultHttpJsonTransportProviderBuilder());
            gb.applyToAllUnaryMethods(b -> apply(b, retry));
            FirewallsSettings.Builder fb = base(FirewallsSettings.newBuilder(), cp, transport,
                    FirewallsSettings.defaultHttpJsonTransportProviderBuilder());
            fb.applyToAllUnaryMethods(b -> apply(b, retry));
            MachineTypesSettings.Builder mb = base(MachineTypesSettings.newBuilder(), cp, transport,
                    MachineTypesSettings.defaultHttpJsonTransportProviderBuilder());
            mb.applyToAllUnaryMethods(b -> apply(b, retry));
            return new Clients(project, InstancesClient.create(ib.build()), ZoneOperationsClient.create(zb.build()),
                    GlobalOperationsClient.create(gb.build()), FirewallsClient.create(fb.build()),
                    MachineTypesClient.create(mb.build()));
        } catch (IOException e) {
            throw new ProviderException(Provider.GCP, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "",
                    "could not create the Compute Engine client (" + e.getClass().getSimpleName() + ")");
        }
    }

    private <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> B base(B b, CredentialsProvider cp,
            HttpTransport transport, com.google.api.gax.httpjson.InstantiatingHttpJsonChannelProvider.Builder tp) {
        settings.endpoint().ifPresent(b::setEndpoint);
        b.setCredentialsProvider(cp);
        b.setTransportChannelProvider(tp.setHttpTransport(transport).build());
        return b;
    }

    private static Void apply(UnaryCallSettings.Builder<?, ?> b, RetrySettings retry) {
        b.setRetrySettings(retry);
        b.setRetryableCodes(RETRYABLE);
        return null;
    }

    RetrySettings retrySettings() {
        return RetrySettings.newBuilder()
                .setMaxAttempts(Math.max(1, settings.maxAttempts()))
                .setInitialRetryDelayDuration(settings.initialRetryDelay())
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(settings.maxRetryDelay())
                .setInitialRpcTimeoutDuration(attemptTimeout())
                .setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(attemptTimeout())
                .setTotalTimeoutDuration(totalTimeout())
                .build();
    }

    /**
     * The bound of one call. With gax retries off (one attempt, the default) gax applies only the total timeout, not
     * the per-attempt one, so it is capped at the attempt timeout: a slow answer is cut as before and the
     * fault-tolerance guard retries it. (The guard's own timeout cannot cut a gax call: gax waits uninterruptibly.)
     */
    Duration totalTimeout() {
        Duration attempt = attemptTimeout();
        return settings.maxAttempts() <= 1 && attempt.compareTo(settings.callTimeout()) < 0 ? attempt
                : settings.callTimeout();
    }

    /**
     * gax's HTTP-JSON transport applies one per-attempt timeout as both the connect and the read timeout of the
     * HTTP request, so an attempt may take connect + read.
     */
    Duration attemptTimeout() {
        return settings.connectTimeout().plus(settings.readTimeout());
    }

    private GoogleCredentials credentials(HttpTransport transport) {
        Path file = config.get("GOOGLE_APPLICATION_CREDENTIALS").map(Path::of)
                .or(() -> config.get("CLOUDSDK_CONFIG").map(d -> Path.of(d, "application_default_credentials.json")))
                .orElseGet(() -> Path.of(System.getProperty("user.home", "."), ".config", "gcloud",
                        "application_default_credentials.json"));
        try (InputStream in = Files.newInputStream(file)) {
            return GoogleCredentials.fromStream(in, () -> transport).createScoped(COMPUTE_SCOPE);
        } catch (IOException | RuntimeException e) {
            // The exception text may quote the file's content: name its type only.
            throw new ProviderException(Provider.GCP, ErrorClass.AUTH, ErrorScope.PROVIDER, "credentials",
                    "GCP credentials could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private String project(GoogleCredentials credentials) {
        Optional<String> p = config.get("GCP_PROJECT_ID").or(() -> config.get("GOOGLE_CLOUD_PROJECT"));
        if (p.isEmpty() && credentials instanceof ServiceAccountCredentials sa && sa.getProjectId() != null) {
            p = Optional.of(sa.getProjectId());
        }
        return p.orElseThrow(() -> new ProviderException(Provider.GCP, ErrorClass.AUTH, ErrorScope.PROVIDER,
                "project", "no GCP project: set GCP_PROJECT_ID or GOOGLE_CLOUD_PROJECT"));
    }
}

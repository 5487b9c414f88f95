package io.cloudprovisioner.provider.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.fluent.NetworkManagementClient;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluent.ResourceManagementClient;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.Config;

/**
 * Builds and caches the official Azure Resource Manager clients (resources, network, compute inner clients) from
 * {@link AzureSettings} and the service-principal credentials read through {@link ConfigLookup}. One set per
 * credential set (Azure Resource Manager is global; the location is a request parameter). The HTTP client is the
 * JDK one with explicit timeouts; the SDK's retry policy is off by default (the adapter's fault-tolerance guard
 * retries the whole operation); the secret is handed to azure-identity only and never logged or kept in a string
 * that is printed.
 */
@Singleton
public class AzureClients {
    static final String SUBSCRIPTION = "AZURE_SUBSCRIPTION_ID";
    static final String TENANT = "AZURE_TENANT_ID";
    static final String CLIENT_ID = "AZURE_CLIENT_ID";
    static final String CLIENT_SECRET = "AZURE_CLIENT_SECRET";

    private final AzureSettings settings;
    private final ConfigLookup config;
    private volatile Clients cached;

    @Inject
    public AzureClients(AzureSettings settings, Config config) {
        this(settings, ConfigLookup.of(config));
    }

    AzureClients(AzureSettings settings, ConfigLookup config) {
        this.settings = settings;
        this.config = config;
    }

    /** The clients for the configured credentials (rebuilt when the credentials change). */
    public Clients get() {
        String tenant = require(TENANT);
        String clientId = require(CLIENT_ID);
        String secret = require(CLIENT_SECRET);
        String subscription = require(SUBSCRIPTION);
        String key = fingerprint(tenant, clientId, secret, subscription);
        Clients c = cached;
        if (c != null && c.key.equals(key)) {
            return c;
        }
        synchronized (this) {
            c = cached;
            if (c == null || !c.key.equals(key)) {
                c = build(key, tenant, clientId, secret, subscription);
                cached = c;
            }
            return c;
        }
    }

    private String require(String name) {
        return config.get(name).orElseThrow(() -> new ProviderException(Provider.AZURE, ErrorClass.AUTH,
                ErrorScope.PROVIDER, "CredentialsMissing", name + " is not set"));
    }

    private Clients build(String key, String tenant, String clientId, String secret, String subscription) {
        HttpClient http = httpClient();
        AzureEnvironment env = environment();
        AzureProfile profile = new AzureProfile(tenant, subscription, env);
        ClientSecretCredentialBuilder cb = new ClientSecretCredentialBuilder().tenantId(tenant).clientId(clientId)
                .clientSecret(secret).httpClient(http).maxRetry(settings.maxRetries());
        settings.authorityHost().ifPresent(cb::authorityHost);
        if (settings.disableInstanceDiscovery().orElse(settings.authorityHost().isPresent())) {
            cb.disableInstanceDiscovery();
        }
        TokenCredential credential = cb.build();
        RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(settings.maxRetries())
                .setBaseDelay(settings.retryBaseDelay()).setMaxDelay(settings.retryMaxDelay()));
        ResourceManagementClient resources = ResourceManager.configure().withHttpClient(http).withRetryOptions(retry)
                .authenticate(credential, profile).withSubscription(subscription).serviceClient();
        NetworkManagementClient network = NetworkManager.configure().withHttpClient(http).withRetryOptions(retry)
                .authenticate(credential, profile).serviceClient();
        ComputeManagementClient compute = ComputeManager.configure().withHttpClient(http).withRetryOptions(retry)
                .authenticate(credential, profile).serviceClient();
        return new Clients(key, subscription, resources, network, compute);
    }

    private AzureEnvironment environment() {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        settings.resourceManagerEndpoint().ifPresent(url -> {
            String u = url.endsWith("/") ? url : url + "/";
            endpoints.put("resourceManagerEndpointUrl", u);
            // The token audience: the SDK appends "/.default" to it, so it is given without the trailing slash
            // (scope https://host:port/.default, not https://host:port//.default).
            endpoints.put("managementEndpointUrl", u.substring(0, u.length() - 1));
        });
        settings.authorityHost().ifPresent(url -> endpoints.put("activeDirectoryEndpointUrl",
                url.endsWith("/") ? url : url + "/"));
        return new AzureEnvironment(endpoints);
    }

    private HttpClient httpClient() {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
        settings.trustStore().ifPresent(path -> jdk.sslContext(sslContext(path)));
        return new JdkHttpClientBuilder(jdk).connectionTimeout(settings.connectTimeout())
                .responseTimeout(settings.readTimeout()).readTimeout(settings.readTimeout())
                .writeTimeout(settings.readTimeout()).build();
    }

    private SSLContext sslContext(String path) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            char[] pw = settings.trustStorePassword().orElse("").toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            // The path is configuration, not a secret; the exception text is not passed on.
            throw new ProviderException(Provider.AZURE, ErrorClass.INVALID_REQUEST, ErrorScope.PROVIDER,
                    "TrustStore", "cannot load cloudprovisioner.azure.trust-store (" + e.getClass().getSimpleName()
                            + ")");
        }
    }

    private static String fingerprint(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The inner (service) clients, which give exact control of each request body. Holds no secret. */
    public static final class Clients {
        private final String key;
        private final String subscription;
        private final ResourceManagementClient resources;
        private final NetworkManagementClient network;
        private final ComputeManagementClient compute;

        Clients(String key, String subscription, ResourceManagementClient resources, NetworkManagementClient network,
                ComputeManagementClient compute) {
            this.key = key;
            this.subscription = subscription;
            this.resources = resources;
            this.network = network;
            this.compute = compute;
        }

        public String subscription() {
            return subscription;
        }

        public ResourceManagementClient resources() {
            return resources;
        }

        public NetworkManagementClient network() {
            return network;
        }

        public ComputeManagementClient compute() {
            return compute;
        }

        @Override
        public String toString() {
            return "AzureClients[subscription=" + subscription + "]";
        }
    }
}

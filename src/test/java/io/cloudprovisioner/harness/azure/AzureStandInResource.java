package io.cloudprovisioner.harness.azure;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the Azure stand-in for a @QuarkusTest and points the Azure adapter at it: fake service-principal
 * credentials under the environment-variable names AzureDescriptor reads, the ARM endpoint and authority host
 * overrides, the stand-in's trust store, tiny poll intervals and short timeouts, one retry, an SSH key.
 */
public class AzureStandInResource implements QuarkusTestResourceLifecycleManager {
    /** The fake client secret; tests check it never shows up in an answer. */
    public static final String FAKE_SECRET = "fake-azure-secret-Zq7xW2";
    public static final String FAKE_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
    public static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvdBHw5dEvq0aXhH4yqpvvQbUJ4R8iZ1mz0Sgm1nZkR "
            + "test@cloudprovisioner";
    private static volatile AzureStandIn standIn;

    public static AzureStandIn standIn() {
        return standIn;
    }

    @Override
    public Map<String, String> start() {
        standIn = new AzureStandIn();
        Map<String, String> cfg = new HashMap<>();
        cfg.put("cloudprovisioner.data-dir", io.cloudprovisioner.harness.StandIn.freshLedgerDir());
        cfg.put("AZURE_SUBSCRIPTION_ID", AzureStandIn.SUBSCRIPTION);
        cfg.put("AZURE_TENANT_ID", AzureStandIn.TENANT);
        cfg.put("AZURE_CLIENT_ID", FAKE_CLIENT_ID);
        cfg.put("AZURE_CLIENT_SECRET", FAKE_SECRET);
        cfg.put("cloudprovisioner.azure.resource-manager-endpoint", standIn.baseUrl());
        cfg.put("cloudprovisioner.azure.authority-host", standIn.baseUrl());
        cfg.put("cloudprovisioner.azure.trust-store", standIn.trustStore().toString());
        cfg.put("cloudprovisioner.azure.trust-store-password", AzureStandIn.STORE_PASSWORD);
        cfg.put("cloudprovisioner.azure.poll-interval", "20ms");
        cfg.put("cloudprovisioner.azure.connect-timeout", "2s");
        cfg.put("cloudprovisioner.azure.read-timeout", "3s");
        cfg.put("cloudprovisioner.azure.provision-timeout", "30s");
        cfg.put("cloudprovisioner.azure.terminate-timeout", "30s");
        cfg.put("cloudprovisioner.azure.retry-base-delay", "10ms");
        cfg.put("cloudprovisioner.azure.retry-max-delay", "50ms");
        cfg.put("cloudprovisioner.network.ssh-public-key", SSH_KEY);
        cfg.put("cloudprovisioner.network.ssh-user", "azureops");
        cfg.put("cloudprovisioner.network.ingress-ports", "22,443");
        cfg.put("cloudprovisioner.network.ingress-cidrs", "203.0.113.0/24,198.51.100.7/32");
        return cfg;
    }

    @Override
    public void stop() {
        if (standIn != null) {
            standIn.close();
            standIn = null;
        }
    }
}

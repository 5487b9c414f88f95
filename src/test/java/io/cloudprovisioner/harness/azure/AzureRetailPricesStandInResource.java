package io.cloudprovisioner.harness.azure;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the Azure Retail Prices stand-in and points the Azure price source at it. Azure counts as configured
 * (fake service-principal variables; no ARM call is made by the price tests), and only eastus and westus2 are read.
 */
public class AzureRetailPricesStandInResource implements QuarkusTestResourceLifecycleManager {
    public static final String FAKE_SECRET = "fake-azure-secret-Prices9";
    private static volatile AzureRetailPricesStandIn standIn;

    public static AzureRetailPricesStandIn standIn() {
        return standIn;
    }

    @Override
    public Map<String, String> start() {
        standIn = new AzureRetailPricesStandIn();
        Map<String, String> cfg = new HashMap<>();
        cfg.put("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-00000000abcd");
        cfg.put("AZURE_TENANT_ID", "00000000-0000-0000-0000-00000000ef01");
        cfg.put("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555");
        cfg.put("AZURE_CLIENT_SECRET", FAKE_SECRET);
        cfg.put("cloudprovisioner.azure.retail-prices-url", standIn.baseUrl());
        cfg.put("cloudprovisioner.azure.retail-prices-regions", "eastus,westus2");
        cfg.put("cloudprovisioner.azure.connect-timeout", "1s");
        cfg.put("cloudprovisioner.azure.read-timeout", "3s");
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

package io.cloudprovisioner.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogFixture;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Constraint;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.Qos;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.provider.aws.AwsDescriptor;
import io.cloudprovisioner.provider.azure.AzureDescriptor;
import io.cloudprovisioner.provider.digitalocean.DigitalOceanDescriptor;
import io.cloudprovisioner.provider.gcp.GcpDescriptor;
import io.cloudprovisioner.provider.vultr.VultrDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-provider selection without CDI, over a synthetic catalog (one 2 vCPU / 8 GiB type per provider region,
 * plus a TEE type on AWS, GCP and Azure). On-demand prices, cheapest first:
 *
 * <pre>
 * vultr  ewr          0.054795 (40 $/month)     digitalocean nyc3  0.065753 (48 $/month)
 * gcp    us-central1  0.09  (spot 0.02)         aws us-east-1      0.10  (spot 0.03)
 * azure  eastus       0.10                      aws us-west-2      0.11
 * </pre>
 */
class ProviderSelectorTest {
    private static final ResourceSpec SPEC = ResourceSpec.of(2, 8);

    @TempDir
    Path dir;

    private CatalogStore store;
    private Path gcpKey;

    @BeforeEach
    void catalog() throws IOException {
        CatalogFixture f = new CatalogFixture();
        f.type(Provider.AWS, "m5.large", 2, 8).generation(5);
        f.type(Provider.AWS, "m6i.large", 2, 8).generation(6).tee("NITRO_ENCLAVES");
        f.offer(Provider.AWS, "m5.large", "us-east-1", 0.10, 0.03);
        f.offer(Provider.AWS, "m6i.large", "us-east-1", 0.12, null);
        f.offer(Provider.AWS, "m5.large", "us-west-2", 0.11, null);
        f.type(Provider.GCP, "n2-standard-2", 2, 8).generation(2);
        f.type(Provider.GCP, "n2d-standard-2", 2, 8).generation(2).tee("AMD_SEV");
        f.offer(Provider.GCP, "n2-standard-2", "us-central1", 0.09, 0.02);
        f.offer(Provider.GCP, "n2d-standard-2", "us-central1", 0.11, null);
        f.type(Provider.AZURE, "Standard_D2s_v5", 2, 8).family("Dsv5").generation(5);
        f.type(Provider.AZURE, "Standard_DC2as_v5", 2, 8).family("DCasv5").generation(5).tee("AMD_SEV_SNP");
        f.offer(Provider.AZURE, "Standard_D2s_v5", "eastus", 0.10, null);
        f.offer(Provider.AZURE, "Standard_DC2as_v5", "eastus", 0.115, null);
        f.type(Provider.DIGITALOCEAN, "s-2vcpu-8gb", 2, 8).family("s");
        f.monthlyOffer(Provider.DIGITALOCEAN, "s-2vcpu-8gb", "nyc3", 48);
        f.type(Provider.VULTR, "vc2-2c-8gb", 2, 8).family("vc2");
        f.monthlyOffer(Provider.VULTR, "vc2-2c-8gb", "ewr", 40);
        Catalog c = f.load(dir.resolve("catalog"));
        store = new CatalogStore();
        store.replace(c);
        gcpKey = dir.resolve("gcp-key.json");
        Files.writeString(gcpKey, "{\"type\":\"service_account\",\"project_id\":\"proj-1\"}");
    }

    private static ConfigLookup lookup(Map<String, String> values) {
        Map<String, String> m = new HashMap<>(values);
        // never look at a real gcloud directory
        m.putIfAbsent("CLOUDSDK_CONFIG", "/nonexistent/gcloud-for-tests");
        return name -> Optional.ofNullable(m.get(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    private Map<String, String> allCredentials() {
        Map<String, String> m = new HashMap<>();
        m.put("AWS_ACCESS_KEY_ID", "AKIATESTTESTTEST");
        m.put("AWS_SECRET_ACCESS_KEY", "aws-secret-xyz");
        m.put("GOOGLE_APPLICATION_CREDENTIALS", gcpKey.toString());
        m.put("AZURE_SUBSCRIPTION_ID", "sub");
        m.put("AZURE_CLIENT_ID", "client");
        m.put("AZURE_CLIENT_SECRET", "azure-secret-xyz");
        m.put("AZURE_TENANT_ID", "tenant");
        m.put("DIGITALOCEAN_TOKEN", "do-secret-xyz");
        m.put("VULTR_API_KEY", "vultr-secret-xyz");
        return m;
    }

    private ProviderSelector selector(Map<String, String> config) {
        ProviderRegistry registry = new ProviderRegistry(List.of(new AwsDescriptor(), new GcpDescriptor(),
                new AzureDescriptor(), new DigitalOceanDescriptor(), new VultrDescriptor()), lookup(config),
                Duration.ofSeconds(60), Clock.systemUTC());
        return new ProviderSelector(store, registry);
    }

    private static SelectionPreferences prefs(List<ProviderPreference> providers, List<DeploymentType> allowed,
            List<DeploymentType> preferred, double maxUsd, boolean spot, boolean includeUnconfigured) {
        return new SelectionPreferences(providers, allowed, preferred, maxUsd, true, spot, includeUnconfigured,
                MappingPolicy.DEFAULT);
    }

    private static List<String> picks(SelectionResult r) {
        return r.candidates().stream()
                .map(c -> c.offer().type().provider().id() + "/" + c.offer().region() + "/" + c.offer().type().name())
                .toList();
    }

    private static Map<String, String> reasons(SelectionResult r) {
        return r.rejections().stream().collect(Collectors.toMap(
                x -> x.provider().id() + (x.region().isEmpty() ? "" : "/" + x.region())
                        + (x.deploymentType() == null ? "" : "/" + x.deploymentType()),
                Rejection::reason));
    }

    private static final List<String> ALL_BY_PRICE = List.of("vultr/ewr/vc2-2c-8gb", "digitalocean/nyc3/s-2vcpu-8gb",
            "gcp/us-central1/n2-standard-2", "aws/us-east-1/m5.large", "azure/eastus/Standard_D2s_v5",
            "aws/us-west-2/m5.large");

    @Test
    void candidatesAreSortedByEffectivePrice() {
        SelectionResult r = selector(allCredentials()).select(SPEC, SelectionPreferences.DEFAULT, 10, "test prefs");
        assertEquals(ALL_BY_PRICE, picks(r));
        assertEquals(6, r.totalCandidates());
        assertTrue(r.rejections().isEmpty(), r.rejections().toString());
        assertFalse(r.noProviderAvailable());
        assertEquals("test prefs", r.preferencesSource());
        assertEquals(SPEC, r.spec());
        double last = 0;
        for (int i = 0; i < r.candidates().size(); i++) {
            Candidate c = r.candidates().get(i);
            assertEquals(i + 1, c.rank());
            assertEquals(DeploymentType.VM, c.deploymentType());
            assertFalse(c.spot());
            assertTrue(c.effectivePrice().usdPerHour() >= last);
            assertEquals(c.offer().onDemand(), c.effectivePrice());
            last = c.effectivePrice().usdPerHour();
            assertFalse(c.reason().isBlank());
        }
        assertEquals(40 / 730.0, r.candidates().get(0).effectivePrice().usdPerHour(), 1e-9);
        assertTrue(r.candidates().get(0).reason().startsWith("cheapest satisfying offer"),
                r.candidates().get(0).reason());
        assertTrue(r.candidates().get(1).reason().contains("% more than the cheapest"),
                r.candidates().get(1).reason());
        assertTrue(r.candidates().get(4).reason().contains("same price as rank 4"), r.candidates().get(4).reason());
    }

    @Test
    void noProviderConfigured() {
        SelectionResult r = selector(Map.of()).select(SPEC, SelectionPreferences.DEFAULT, 10, "");
        assertTrue(r.candidates().isEmpty());
        assertEquals(0, r.totalCandidates());
        assertEquals(5, r.rejections().size());
        for (Rejection x : r.rejections()) {
            assertEquals("NOT_CONFIGURED", x.reason(), x.toString());
            assertEquals("", x.region());
            assertNull(x.deploymentType());
            assertTrue(x.message().contains("has no credentials"), x.message());
        }
        assertEquals(List.of(Provider.values()), r.rejections().stream().map(Rejection::provider).toList());
        assertTrue(r.noProviderAvailable());
    }

    @Test
    void onlyConfiguredProvidersAreConsidered() {
        SelectionResult r = selector(Map.of("DIGITALOCEAN_TOKEN", "do-secret")).select(SPEC,
                SelectionPreferences.DEFAULT, 10, "");
        assertEquals(List.of("digitalocean/nyc3/s-2vcpu-8gb"), picks(r));
        assertEquals(Map.of("aws", "NOT_CONFIGURED", "gcp", "NOT_CONFIGURED", "azure", "NOT_CONFIGURED", "vultr",
                "NOT_CONFIGURED"), reasons(r));
        assertFalse(r.noProviderAvailable());
    }

    @Test
    void includeUnconfiguredRanksAcrossAllFive() {
        SelectionResult r = selector(Map.of()).select(SPEC, prefs(List.of(), null, null, 0, true, true), 10, "");
        assertEquals(ALL_BY_PRICE, picks(r));
        assertTrue(r.rejections().isEmpty());
        assertEquals(5, r.candidates().stream().map(c -> c.offer().type().provider()).distinct().count());
    }

    @Test
    void providerListLimitsProvidersAndRegions() {
        SelectionPreferences p = prefs(List.of(new ProviderPreference(Provider.GCP, List.of("us-central1"), 0),
                new ProviderPreference(Provider.AWS, List.of("us-east-1", "mars-1"), 0)), null, null, 0, true, false);
        SelectionResult r = selector(allCredentials()).select(SPEC, p, 10, "");
        assertEquals(List.of("gcp/us-central1/n2-standard-2", "aws/us-east-1/m5.large"), picks(r),
                "aws us-west-2 is not in the list");
        assertEquals(Map.of("azure", "NOT_ENABLED", "digitalocean", "NOT_ENABLED", "vultr", "NOT_ENABLED",
                "aws/mars-1", "REGION_UNKNOWN"), reasons(r));
        Rejection mars = r.rejections().stream().filter(x -> x.region().equals("mars-1")).findFirst().orElseThrow();
        assertTrue(mars.message().contains("mars-1"), mars.message());
        assertFalse(r.noProviderAvailable());

        SelectionResult onlyDisabled = selector(Map.of()).select(SPEC,
                prefs(List.of(new ProviderPreference(Provider.VULTR, List.of(), 0)), null, null, 0, true, false), 10,
                "");
        assertTrue(onlyDisabled.noProviderAvailable(), "NOT_ENABLED + NOT_CONFIGURED only");
    }

    @Test
    void maxCost() {
        SelectionResult r = selector(allCredentials()).select(SPEC, prefs(List.of(), null, null, 0.06, true, false),
                10, "");
        assertEquals(List.of("vultr/ewr/vc2-2c-8gb"), picks(r));
        Map<String, String> reasons = reasons(r);
        assertEquals(Map.of("aws/us-east-1", "OVER_MAX_COST", "aws/us-west-2", "OVER_MAX_COST",
                "gcp/us-central1", "OVER_MAX_COST", "azure/eastus", "OVER_MAX_COST", "digitalocean/nyc3",
                "OVER_MAX_COST"), reasons);
        for (Rejection x : r.rejections()) {
            assertTrue(x.constraints().containsKey(Constraint.MAX_COST), x.toString());
            assertTrue(x.message().contains("0.06"), x.message());
        }
        // the cap is inclusive
        SelectionResult exact = selector(allCredentials()).select(SPEC,
                prefs(List.of(), null, null, 0.09, true, false), 10, "");
        assertEquals(ALL_BY_PRICE.subList(0, 3), picks(exact));
        // a spec nothing fits is NO_FIT, not OVER_MAX_COST
        SelectionResult big = selector(allCredentials()).select(ResourceSpec.of(64, 256),
                prefs(List.of(), null, null, 0.06, true, false), 10, "");
        assertTrue(big.candidates().isEmpty());
        assertTrue(big.rejections().stream().allMatch(x -> x.reason().equals("NO_FIT")), big.rejections().toString());
        assertFalse(big.noProviderAvailable());
    }

    @Test
    void requireTee() {
        SelectionResult r = selector(allCredentials()).select(SPEC.withTee(true), SelectionPreferences.DEFAULT, 10,
                "");
        assertEquals(List.of("gcp/us-central1/n2d-standard-2", "azure/eastus/Standard_DC2as_v5",
                "aws/us-east-1/m6i.large"), picks(r));
        assertEquals(Map.of("digitalocean", "TEE_UNSUPPORTED", "vultr", "TEE_UNSUPPORTED", "aws/us-west-2",
                "NO_FIT"), reasons(r));
        Rejection w2 = r.rejections().stream().filter(x -> x.region().equals("us-west-2")).findFirst().orElseThrow();
        assertEquals(Map.of(Constraint.TEE, 1), w2.constraints());
    }

    @Test
    void deploymentTypes() {
        SelectionPreferences p = prefs(List.of(), List.of(DeploymentType.VM, DeploymentType.SERVERLESS,
                DeploymentType.KUBERNETES), null, 0, true, false);
        SelectionResult r = selector(allCredentials()).select(SPEC, p, 10, "");
        assertEquals(ALL_BY_PRICE, picks(r), "VM candidates are unaffected");
        Map<String, String> reasons = reasons(r);
        for (String prov : List.of("aws", "gcp", "azure", "digitalocean")) {
            assertEquals("NOT_PRICED", reasons.get(prov + "/SERVERLESS"), reasons.toString());
            assertEquals("NOT_PRICED", reasons.get(prov + "/KUBERNETES"), reasons.toString());
        }
        assertEquals("DEPLOYMENT_TYPE_UNSUPPORTED", reasons.get("vultr/SERVERLESS"));
        assertEquals("NOT_PRICED", reasons.get("vultr/KUBERNETES"));
        assertEquals(10, r.rejections().size());

        // only serverless: nothing can be ranked
        SelectionResult serverless = selector(allCredentials()).select(SPEC,
                prefs(List.of(), List.of(DeploymentType.SERVERLESS), null, 0, true, false), 10, "");
        assertTrue(serverless.candidates().isEmpty());
        assertEquals("DEPLOYMENT_TYPE_UNSUPPORTED", reasons(serverless).get("vultr/SERVERLESS"));
        assertEquals(DeploymentType.SERVERLESS, serverless.rejections().get(0).deploymentType());
        assertFalse(serverless.noProviderAvailable());
    }

    @Test
    void managedKubernetesIsPricedAndPreferredTypeBreaksTies() {
        SelectionPreferences p = prefs(List.of(new ProviderPreference(Provider.VULTR, List.of(), 0)),
                List.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES),
                List.of(DeploymentType.MANAGED_KUBERNETES, DeploymentType.VM), 0, true, false);
        SelectionResult r = selector(allCredentials()).select(SPEC, p, 10, "");
        assertEquals(List.of(DeploymentType.MANAGED_KUBERNETES, DeploymentType.VM),
                r.candidates().stream().map(Candidate::deploymentType).toList());
        assertEquals(r.candidates().get(0).offer(), r.candidates().get(1).offer());
        SelectionPreferences vmFirst = prefs(p.providers(), p.allowedDeploymentTypes(),
                List.of(DeploymentType.VM), 0, true, false);
        assertEquals(List.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES), selector(allCredentials())
                .select(SPEC, vmFirst, 10, "").candidates().stream().map(Candidate::deploymentType).toList());
    }

    @Test
    void priorityBreaksTiesBetweenEqualPrices() {
        // aws us-east-1 and azure eastus both cost 0.10
        SelectionPreferences azureFirst = prefs(List.of(new ProviderPreference(Provider.AWS, List.of("us-east-1"), 2),
                new ProviderPreference(Provider.AZURE, List.of(), 1)), null, null, 0, true, false);
        assertEquals(List.of("azure/eastus/Standard_D2s_v5", "aws/us-east-1/m5.large"),
                picks(selector(allCredentials()).select(SPEC, azureFirst, 10, "")));
        SelectionPreferences awsFirst = prefs(List.of(new ProviderPreference(Provider.AWS, List.of("us-east-1"), 1),
                new ProviderPreference(Provider.AZURE, List.of(), 2)), null, null, 0, true, false);
        SelectionResult r = selector(allCredentials()).select(SPEC, awsFirst, 10, "");
        assertEquals(List.of("aws/us-east-1/m5.large", "azure/eastus/Standard_D2s_v5"), picks(r));
        assertEquals(List.of(1, 2), r.candidates().stream().map(Candidate::providerPriority).toList());
        // 0 = lowest priority: an explicit priority wins over it
        SelectionPreferences unset = prefs(List.of(new ProviderPreference(Provider.AWS, List.of("us-east-1"), 0),
                new ProviderPreference(Provider.AZURE, List.of(), 5)), null, null, 0, true, false);
        assertEquals(List.of("azure/eastus/Standard_D2s_v5", "aws/us-east-1/m5.large"),
                picks(selector(allCredentials()).select(SPEC, unset, 10, "")));
        // priority never beats price
        SelectionPreferences gcpLast = prefs(List.of(new ProviderPreference(Provider.GCP, List.of(), 99),
                new ProviderPreference(Provider.AZURE, List.of(), 1)), null, null, 0, true, false);
        assertEquals(List.of("gcp/us-central1/n2-standard-2", "azure/eastus/Standard_D2s_v5"),
                picks(selector(allCredentials()).select(SPEC, gcpLast, 10, "")));
    }

    @Test
    void spotOnlyWhenSpecAndPreferencesAllowItAndNoSla() {
        ProviderSelector s = selector(allCredentials());
        SelectionResult spot = s.select(SPEC.withSpot(true), SelectionPreferences.DEFAULT, 10, "");
        assertEquals(List.of("gcp/us-central1/n2-standard-2", "aws/us-east-1/m5.large", "vultr/ewr/vc2-2c-8gb",
                "digitalocean/nyc3/s-2vcpu-8gb", "azure/eastus/Standard_D2s_v5", "aws/us-west-2/m5.large"),
                picks(spot));
        assertEquals(List.of(true, true, false, false, false, false),
                spot.candidates().stream().map(Candidate::spot).toList());
        assertEquals(0.02, spot.candidates().get(0).effectivePrice().usdPerHour(), 1e-12);
        assertTrue(spot.candidates().get(0).reason().contains("spot"), spot.candidates().get(0).reason());

        SelectionPreferences noSpot = prefs(List.of(), null, null, 0, false, false);
        assertNoSpot(s.select(SPEC.withSpot(true), noSpot, 10, ""), "preferences forbid spot");
        assertNoSpot(s.select(SPEC, SelectionPreferences.DEFAULT, 10, ""), "spec does not allow spot");
        ResourceSpec withSla = new ResourceSpec(2, 8, 10, 0, "", Architecture.X86_64, true, false, null,
                new Qos(5, 0.99, 1));
        SelectionResult sla = s.select(withSla, SelectionPreferences.DEFAULT, 10, "");
        assertNoSpot(sla, "an SLA target rules spot out");
        assertEquals(withSla, sla.spec(), "the result carries the request's spec");
    }

    private static void assertNoSpot(SelectionResult r, String why) {
        assertEquals(ALL_BY_PRICE, picks(r), why);
        assertTrue(r.candidates().stream().noneMatch(Candidate::spot), why);
    }

    @Test
    void maxCandidatesCutsTheListButTotalCountsAll() {
        ProviderSelector s = selector(allCredentials());
        SelectionResult two = s.select(SPEC, SelectionPreferences.DEFAULT, 2, "");
        assertEquals(ALL_BY_PRICE.subList(0, 2), picks(two));
        assertEquals(6, two.totalCandidates());
        assertEquals(List.of(1, 2), two.candidates().stream().map(Candidate::rank).toList());
        SelectionResult zero = s.select(SPEC, SelectionPreferences.DEFAULT, 0, "");
        assertTrue(zero.candidates().isEmpty());
        assertEquals(6, zero.totalCandidates());
        assertFalse(zero.noProviderAvailable());
    }

    @Test
    void preferencesPolicyApplies() {
        SelectionPreferences denyVc2 = new SelectionPreferences(List.of(), null, null, 0, true, true, false,
                new MappingPolicy(java.util.Set.of(), java.util.Set.of("VC2", "s"), true, 0, false, 0));
        SelectionResult r = selector(allCredentials()).select(SPEC, denyVc2, 10, "");
        assertEquals(ALL_BY_PRICE.subList(2, 6), picks(r));
        Map<String, String> reasons = reasons(r);
        assertEquals("NO_FIT", reasons.get("vultr/ewr"));
        assertEquals("NO_FIT", reasons.get("digitalocean/nyc3"));
    }
}

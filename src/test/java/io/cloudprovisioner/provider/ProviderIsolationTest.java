package io.cloudprovisioner.provider;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ProviderInfo;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.harness.vultr.VultrStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three providers configured against their stand-ins, Azure half-configured (no client secret, no tenant), GCP not
 * at all: each provider is judged on its own, and one provider's bad or refused credentials never disturb the
 * others. Also: with no provider named, ProvisionInstance provisions the cheapest configured candidate.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = VultrStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ProviderIsolationTest.HalfConfiguredAzure.class, restrictToAnnotatedClass = true)
public class ProviderIsolationTest {
    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    CatalogServiceGrpc.CatalogServiceBlockingStub catalog;

    /** Azure with a subscription and client id but neither secret nor tenant. */
    public static class HalfConfiguredAzure implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000", "AZURE_CLIENT_ID",
                    "11111111-2222-3333-4444-555555555555");
        }

        @Override
        public void stop() {
        }
    }

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        catalog = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        DigitalOceanStandInResource.standIn().faults().clear();
    }

    @AfterEach
    void close() throws InterruptedException {
        DigitalOceanStandInResource.standIn().faults().clear();
        GrpcTestSupport.close(channel);
        assertEquals(java.util.List.of(), AwsStandInResource.standIn().specViolations());
        assertEquals(java.util.List.of(), DigitalOceanStandInResource.standIn().specViolations());
        assertEquals(java.util.List.of(), VultrStandInResource.standIn().specViolations());
    }

    static ResourceSpec spec(double cpu, double mem) {
        return ResourceSpec.newBuilder().setCpu(cpu).setMemoryGb(mem).setStorageGb(10).build();
    }

    ProvisionInstanceResponse provision(CloudProvider p, String region, String type, String id) {
        return api.provisionInstance(ProvisionInstanceRequest.newBuilder().setProvider(p).setRegion(region)
                .setInstanceType(type).setClientRequestId(id).build());
    }

    void terminate(ProvisionInstanceResponse r) {
        var i = r.getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(i.getProvider()).setRegion(i.getRegion()).setInstanceId(i.getId()).build())
                .getStatus());
    }

    @Test
    void eachProviderIsJudgedOnItsOwnCredentials() {
        Map<CloudProvider, ProviderInfo> info = new EnumMap<>(CloudProvider.class);
        catalog.listProviders(ListProvidersRequest.getDefaultInstance()).getProvidersList()
                .forEach(p -> info.put(p.getProvider(), p));
        assertTrue(info.get(CloudProvider.CLOUD_PROVIDER_AWS).getConfigured());
        assertTrue(info.get(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).getConfigured());
        assertTrue(info.get(CloudProvider.CLOUD_PROVIDER_VULTR).getConfigured());
        assertFalse(info.get(CloudProvider.CLOUD_PROVIDER_GCP).getConfigured());
        ProviderInfo azure = info.get(CloudProvider.CLOUD_PROVIDER_AZURE);
        assertFalse(azure.getConfigured());
        assertTrue(azure.getMissing().contains("AZURE_CLIENT_SECRET") && azure.getMissing().contains("AZURE_TENANT_ID"),
                azure.getMissing());
        String all = info.values().toString();
        for (String secret : Set.of(DigitalOceanStandInResource.TOKEN, VultrStandInResource.TOKEN,
                AwsStandInResource.SECRET_ACCESS_KEY)) {
            assertFalse(all.contains(secret), "a secret leaked into ListProviders");
        }
    }

    @Test
    void aMisconfiguredProviderFailsAloneWhileTheOthersProvision() {
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> provision(
                CloudProvider.CLOUD_PROVIDER_AZURE, "eastus", "Standard_B1s", "iso-azure-1"));
        assertEquals("PROVIDER_NOT_CONFIGURED", errorInfo(e).getReason());
        assertTrue(e.getStatus().getDescription().contains("AZURE_CLIENT_SECRET"));

        ProvisionInstanceResponse aws = provision(CloudProvider.CLOUD_PROVIDER_AWS, "us-east-1", "t3.micro", "iso-aws-1");
        ProvisionInstanceResponse doc = provision(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", "s-1vcpu-1gb",
                "iso-do-1");
        ProvisionInstanceResponse vultr = provision(CloudProvider.CLOUD_PROVIDER_VULTR, "ewr", "vc2-1c-1gb",
                "iso-vultr-1");
        for (ProvisionInstanceResponse r : java.util.List.of(aws, doc, vultr)) {
            assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, r.getInstance().getStatus(), r.toString());
            terminate(r);
        }
    }

    @Test
    void refusedCredentialsOfOneProviderDoNotDisturbTheOthers() {
        for (String op : new String[] { "droplets.list", "droplets.create", "firewalls.list", "keys.list" }) {
            DigitalOceanStandInResource.standIn().faults().inject(op, Fault.AUTH, 20);
        }
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> provision(
                CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", "s-1vcpu-1gb", "iso-do-auth"));
        assertEquals("AUTH", errorInfo(e).getReason());
        assertFalse(e.getStatus().getDescription().contains(DigitalOceanStandInResource.TOKEN));

        ProvisionInstanceResponse aws = provision(CloudProvider.CLOUD_PROVIDER_AWS, "us-east-1", "t3.micro",
                "iso-aws-2");
        ProvisionInstanceResponse vultr = provision(CloudProvider.CLOUD_PROVIDER_VULTR, "ewr", "vc2-1c-1gb",
                "iso-vultr-2");
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, aws.getInstance().getStatus());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, vultr.getInstance().getStatus());
        terminate(aws);
        terminate(vultr);
    }

    @Test
    void withNoProviderNamedTheCheapestConfiguredCandidateIsProvisioned() {
        ResourceSpec spec = spec(1, 1);
        // the whole ranking (max_candidates 500): the default of 5 would show only the cheapest providers
        SelectProviderResponse ranked = catalog.selectProvider(SelectProviderRequest.newBuilder().setSpec(spec)
                .setMaxCandidates(500).build());
        Set<CloudProvider> considered = ranked.getCandidatesList().stream()
                .map(c -> c.getOffer().getInstanceType().getProvider()).collect(Collectors.toSet());
        assertEquals(Set.of(CloudProvider.CLOUD_PROVIDER_AWS, CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN,
                CloudProvider.CLOUD_PROVIDER_VULTR), considered, "only configured providers are candidates");
        var best = ranked.getCandidates(0).getOffer();

        ProvisionInstanceResponse r = api.provisionInstance(ProvisionInstanceRequest.newBuilder().setSpec(spec)
                .setClientRequestId("iso-auto-1").build());
        assertEquals(best.getInstanceType().getProvider(), r.getInstance().getProvider());
        assertEquals(best.getInstanceType().getName(), r.getInstance().getInstanceType());
        assertEquals(best.getRegion(), r.getInstance().getRegion());
        assertEquals(best.getOnDemand().getUsdPerHour(), r.getInstance().getHourlyPrice().getUsdPerHour(), 1e-12);
        terminate(r);
    }

    @Test
    void aReconcileGoesOnWithTheOtherProvidersWhenOneListingNeverEnds() {
        ProvisionInstanceResponse vultr = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion("ewr").setInstanceType("vc2-1c-1gb")
                .setClientRequestId("iso-reconcile-1").build());
        DigitalOceanStandInResource.standIn().faults().hostile("droplets.list", Hostile.REPEAT_CURSOR);
        try {
            ReconcileResponse r = api.reconcile(ReconcileRequest.newBuilder().setDryRun(true).build());
            assertTrue(r.getRan());
            assertTrue(r.getProviderErrorsOrThrow("digitalocean").contains("names a next-page cursor"),
                    r.getProviderErrorsMap().toString());
            assertFalse(r.getProviderErrorsMap().containsKey("vultr"), r.getProviderErrorsMap().toString());
            assertFalse(r.getProviderErrorsMap().containsKey("aws"), r.getProviderErrorsMap().toString());
            assertTrue(r.getInstancesSeen() >= 1, "Vultr's instance was seen: " + r);
        } finally {
            DigitalOceanStandInResource.standIn().faults().clear();
            terminate(vultr);
        }
    }
}

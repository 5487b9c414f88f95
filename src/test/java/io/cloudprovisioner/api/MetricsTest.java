package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ProviderPreference;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.FaultPlan;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /q/metrics after real calls through the gRPC API against the stand-ins: a provision that fails over on capacity,
 * a read that is retried, reconcile runs that find an orphan; each meter moves by exactly what the calls did. And no label value carries a
 * request id, an instance id or a secret.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class MetricsTest {
    static final ResourceSpec SPEC = ResourceSpec.newBuilder().setCpu(1).setMemoryGb(1).setStorageGb(10).build();
    @jakarta.inject.Inject
    io.cloudprovisioner.selection.FailedOfferings failedOfferings;
    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    CatalogServiceGrpc.CatalogServiceBlockingStub catalog;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        catalog = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        faults(CloudProvider.CLOUD_PROVIDER_AWS).clear();
        faults(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).clear();
        failedOfferings.clear();
    }

    @AfterEach
    void close() throws InterruptedException {
        faults(CloudProvider.CLOUD_PROVIDER_AWS).clear();
        faults(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).clear();
        GrpcTestSupport.close(channel);
    }

    static FaultPlan faults(CloudProvider p) {
        return p == CloudProvider.CLOUD_PROVIDER_AWS ? AwsStandInResource.standIn().faults()
                : DigitalOceanStandInResource.standIn().faults();
    }

    static String createOperation(CloudProvider p) {
        return p == CloudProvider.CLOUD_PROVIDER_AWS ? "RunInstances" : "droplets.create";
    }

    static String id(CloudProvider p) {
        return p == CloudProvider.CLOUD_PROVIDER_AWS ? "aws" : "digitalocean";
    }

    /** One region per provider: a failover after a capacity error must move to the other provider. */
    static SelectionPreferences prefs() {
        return SelectionPreferences.newBuilder()
                .addProviders(ProviderPreference.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                        .addRegions("us-east-1"))
                .addProviders(ProviderPreference.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                        .addRegions("nyc3"))
                .setAllowFallback(true).build();
    }

    static PrometheusScrape scrape() {
        return PrometheusScrape.get(GrpcTestSupport.port());
    }

    @Test
    void aFailoverAProvisionARetryAndAReconcileAreCountedExactly() {
        InstanceOffer best = catalog.selectProvider(SelectProviderRequest.newBuilder().setSpec(SPEC)
                .setPreferences(prefs()).build()).getCandidates(0).getOffer();
        CloudProvider from = best.getInstanceType().getProvider();
        String fromId = id(from);
        String requestId = "metrics-" + UUID.randomUUID();
        PrometheusScrape before = scrape();

        faults(from).inject(createOperation(from), Fault.CAPACITY, 1);
        ProvisionInstanceResponse r = api.provisionInstance(ProvisionInstanceRequest.newBuilder().setSpec(SPEC)
                .setPreferences(prefs()).setAllowFallback(true).setClientRequestId(requestId).build());
        var made = r.getInstance();
        assertNotEquals(from, made.getProvider(), "moved on to the other provider");
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, made.getStatus());
        String toId = id(made.getProvider());

        PrometheusScrape after = scrape();
        assertDelta(1, before, after, "cloudprovisioner_provisions_total", "provider", toId, "region",
                made.getRegion(), "outcome", "success");
        assertDelta(0, before, after, "cloudprovisioner_provisions_total", "provider", fromId);
        assertDelta(1, before, after, "cloudprovisioner_provision_attempts_total", "provider", fromId, "region",
                best.getRegion(), "outcome", "capacity");
        assertDelta(1, before, after, "cloudprovisioner_provision_attempts_total", "provider", toId, "region",
                made.getRegion(), "outcome", "success");
        assertDelta(1, before, after, "cloudprovisioner_failovers_total", "from_provider", fromId, "to_provider",
                toId, "reason", "capacity");
        assertDelta(1, before, after, "cloudprovisioner_provision_duration_seconds_count", "provider", toId,
                "outcome", "success");
        assertDelta(1, before, after, "cloudprovisioner_ledger_records", "state", "running");
        assertEquals(made.getHourlyPrice().getUsdPerHour(),
                after.value("cloudprovisioner_spend_estimated_hourly_usd", "provider", toId)
                        - before.value("cloudprovisioner_spend_estimated_hourly_usd", "provider", toId), 1e-9,
                "spend: the new instance's catalog price");
        assertDelta(1, before, after, "grpc_server_processing_duration_seconds_count", "method",
                "ProvisionInstance", "statusCode", "OK");
        // the breaker state: SmallRye Fault Tolerance's own gauge, one series per state of each provider's breaker
        for (String p : List.of(fromId, toId)) {
            assertEquals(1, after.value("ft_circuitbreaker_state_current", "method", "cloudprovisioner-" + p,
                    "state", "closed"), p);
            assertEquals(0, after.value("ft_circuitbreaker_state_current", "method", "cloudprovisioner-" + p,
                    "state", "open"), p);
        }
        // gRPC calls are counted by the gRPC meters only, not as HTTP requests by path
        assertTrue(after.find("http_server_requests_seconds_count").stream()
                .noneMatch(x -> x.labels().getOrDefault("uri", "").contains("Service/")), after.text);
        double age = after.value("cloudprovisioner_catalog_price_age_seconds", "provider", "aws");
        assertTrue(age > 86_400, "the bundled AWS prices are days old at least: " + age);

        // a read that meets one 5xx is retried once by the guard
        String status = made.getProvider() == CloudProvider.CLOUD_PROVIDER_AWS ? "DescribeInstances"
                : "droplets.get";
        faults(made.getProvider()).inject(status, Fault.SERVER_ERROR, 1);
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, api.getInstanceStatus(GetInstanceStatusRequest
                .newBuilder().setProvider(made.getProvider()).setRegion(made.getRegion())
                .setInstanceId(made.getId()).build()).getStatus());
        PrometheusScrape retried = scrape();
        assertDelta(1, after, retried, "cloudprovisioner_provider_retries_total", "provider", toId, "error_class",
                "transient");
        assertDelta(1, after, retried, "grpc_server_processing_duration_seconds_count", "method",
                "GetInstanceStatus", "statusCode", "OK");

        // a managed instance without a ledger record: an orphan for a dry run (last-run gauge) and a real run
        String orphan = AwsStandInResource.standIn().plant("us-east-1", "t3a.micro",
                io.cloudprovisioner.provider.ManagedLabels.forRequest("metrics-orphan", java.util.Map.of()));
        ReconcileRequest reconcile = ReconcileRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                .setGrace(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build();
        var dryReport = api.reconcile(reconcile.toBuilder().setDryRun(true).build());
        PrometheusScrape dry = scrape();
        assertDelta(1, retried, dry, "cloudprovisioner_reconcile_runs_total", "outcome", "ran");
        assertEquals(1, dry.value("cloudprovisioner_reconcile_last_orphans", "provider", "aws"), dryReport::toString);
        assertDelta(0, retried, dry, "cloudprovisioner_reconcile_orphans_total", "provider", "aws");
        api.reconcile(reconcile.toBuilder().setTerminateOrphans(true).build()); // found, and cleaned up
        PrometheusScrape reconciled = scrape();
        assertDelta(1, dry, reconciled, "cloudprovisioner_reconcile_runs_total", "outcome", "ran");
        assertDelta(1, dry, reconciled, "cloudprovisioner_reconcile_orphans_total", "provider", "aws");
        assertDelta(1, dry, reconciled, "cloudprovisioner_reconcile_findings_total", "provider", "aws", "kind",
                "orphan_terminated");
        assertEquals(1, reconciled.value("cloudprovisioner_reconcile_last_orphans", "provider", "aws"));
        assertNoIdentifyingLabel(reconciled, "metrics-orphan", orphan);

        assertNoIdentifyingLabel(reconciled, requestId, made.getId());

        api.terminateInstance(TerminateInstanceRequest.newBuilder().setProvider(made.getProvider())
                .setRegion(made.getRegion()).setInstanceId(made.getId()).build());
        PrometheusScrape ended = scrape();
        assertDelta(-1, reconciled, ended, "cloudprovisioner_ledger_records", "state", "running");
        assertEquals(before.value("cloudprovisioner_spend_estimated_hourly_usd", "provider", toId),
                ended.value("cloudprovisioner_spend_estimated_hourly_usd", "provider", toId), 1e-9);
        assertNoIdentifyingLabel(ended, requestId, made.getId());
    }

    @Test
    void noLabelNamesARequestAnInstanceOrASecret() {
        // DigitalOcean's REST client is metered by URI: its paths name droplet ids unless templated
        String requestId = "metrics-label-" + UUID.randomUUID();
        var made = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceType("s-1vcpu-1gb").setClientRequestId(requestId).build()).getInstance();
        api.getInstanceStatus(GetInstanceStatusRequest.newBuilder().setProvider(made.getProvider())
                .setRegion("nyc3").setInstanceId(made.getId()).build());
        PrometheusScrape s = scrape();
        assertTrue(s.has("cloudprovisioner_provisions_total", "provider", "digitalocean", "region", "nyc3",
                "outcome", "success"));
        assertNoIdentifyingLabel(s, requestId, made.getId());
        api.terminateInstance(TerminateInstanceRequest.newBuilder().setProvider(made.getProvider())
                .setRegion("nyc3").setInstanceId(made.getId()).build());
        assertNoIdentifyingLabel(scrape(), requestId, made.getId());
    }

    static void assertDelta(double expected, PrometheusScrape before, PrometheusScrape after, String name,
            String... labels) {
        assertTrue(after.has(name, labels) || expected == 0, name + " " + List.of(labels) + " is not published:\n"
                + after.find(name));
        // summed: the registry outlives a Quarkus restart in one test JVM, so series of earlier test classes are there
        double d = after.sum(name, labels) - before.sum(name, labels);
        assertEquals(expected, d, 1e-9, name + " " + List.of(labels));
    }

    /** No label value of any series names a request, an instance, a principal or a secret. */
    static void assertNoIdentifyingLabel(PrometheusScrape s, String requestId, String instanceId) {
        List<String> forbidden = List.of(requestId, requestId.toLowerCase(java.util.Locale.ROOT), instanceId,
                AwsStandInResource.SECRET_ACCESS_KEY, AwsStandInResource.ACCESS_KEY_ID,
                DigitalOceanStandInResource.TOKEN);
        for (PrometheusScrape.Sample sample : s.samples) {
            for (var label : sample.labels().entrySet()) {
                for (String f : forbidden) {
                    assertFalse(label.getValue().contains(f), sample + " carries " + f);
                }
            }
        }
        for (String f : forbidden) {
            assertFalse(s.text.contains(f), "the scrape contains " + f);
        }
    }
}

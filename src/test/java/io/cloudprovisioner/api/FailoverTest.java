package io.cloudprovisioner.api;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ProviderPreference;
import io.cloudprovisioner.api.v1.ProvisionAttempt;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.FaultPlan;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover with allow_fallback: a CAPACITY or QUOTA error moves on to the next cheapest candidate, the failed
 * offering is remembered and skipped by the next request, every attempt is listed; other errors stop at once, and
 * without allow_fallback nothing moves.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class FailoverTest {
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
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), AwsStandInResource.standIn().specViolations());
        assertEquals(List.of(), DigitalOceanStandInResource.standIn().specViolations());
    }

    static FaultPlan faults(CloudProvider p) {
        return p == CloudProvider.CLOUD_PROVIDER_AWS ? AwsStandInResource.standIn().faults()
                : DigitalOceanStandInResource.standIn().faults();
    }

    static String createOperation(CloudProvider p) {
        return p == CloudProvider.CLOUD_PROVIDER_AWS ? "RunInstances" : "droplets.create";
    }

    /** Both providers, two regions each, so that failover has a region and a provider to move to. */
    static SelectionPreferences prefs() {
        return SelectionPreferences.newBuilder()
                .addProviders(ProviderPreference.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                        .addRegions("us-east-1").addRegions("us-west-2"))
                .addProviders(ProviderPreference.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                        .addRegions("nyc3").addRegions("sfo3"))
                .setAllowFallback(true).build();
    }

    InstanceOffer cheapest() {
        return catalog.selectProvider(SelectProviderRequest.newBuilder().setSpec(SPEC).setPreferences(prefs())
                .build()).getCandidates(0).getOffer();
    }

    ProvisionInstanceResponse provision(String id, boolean fallback) {
        return api.provisionInstance(ProvisionInstanceRequest.newBuilder().setSpec(SPEC).setPreferences(prefs())
                .setAllowFallback(fallback).setClientRequestId(id).build());
    }

    void terminate(ProvisionInstanceResponse r) {
        var i = r.getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(i.getProvider()).setRegion(i.getRegion()).setInstanceId(i.getId()).build())
                .getStatus());
    }

    @Test
    void capacityMovesOnToTheNextCandidateAndIsRememberedForTheNextRequest() {
        InstanceOffer best = cheapest();
        CloudProvider p = best.getInstanceType().getProvider();
        faults(p).inject(createOperation(p), Fault.CAPACITY, 1);

        ProvisionInstanceResponse r = provision("fo-1", true);
        List<ProvisionAttempt> attempts = r.getAttemptsList();
        assertEquals(2, attempts.size(), attempts.toString());
        assertEquals("CAPACITY", attempts.get(0).getErrorClass());
        assertEquals(best.getRegion(), attempts.get(0).getRegion());
        assertEquals(best.getInstanceType().getName(), attempts.get(0).getInstanceType());
        assertEquals("", attempts.get(1).getErrorClass());
        assertNotEquals(best.getRegion() + "/" + best.getInstanceType().getName(),
                r.getInstance().getRegion() + "/" + r.getInstance().getInstanceType(), "moved on");
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, r.getInstance().getStatus());

        // the next request skips the remembered offering without asking its cloud
        int creates = createCalls(p);
        ProvisionInstanceResponse again = provision("fo-2", true);
        assertEquals("SKIPPED", again.getAttempts(0).getErrorClass());
        assertEquals(best.getRegion(), again.getAttempts(0).getRegion());
        assertEquals(r.getInstance().getRegion(), again.getInstance().getRegion());
        assertEquals(creates + (p == again.getInstance().getProvider() ? 1 : 0), createCalls(p),
                "the skipped offering's cloud was not asked");
        terminate(r);
        terminate(again);
    }

    @Test
    void withoutFallbackACapacityErrorIsResourceExhaustedWithItsAttempt() {
        InstanceOffer best = cheapest();
        CloudProvider p = best.getInstanceType().getProvider();
        faults(p).inject(createOperation(p), Fault.CAPACITY, 1);
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED, () -> provision("fo-3", false));
        assertEquals("CAPACITY", errorInfo(e).getReason());
        assertEquals("1", errorInfo(e).getMetadataMap().get("attempts"));
    }

    @Test
    void anAuthErrorStopsFailoverAtOnce() {
        InstanceOffer best = cheapest();
        CloudProvider p = best.getInstanceType().getProvider();
        faults(p).inject(createOperation(p), Fault.AUTH, 1);
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> provision("fo-4", true));
        assertEquals("AUTH", errorInfo(e).getReason());
        assertEquals("1", errorInfo(e).getMetadataMap().get("attempts"), errorInfo(e).toString());
        assertTrue(errorInfo(e).getMetadataMap().get("attempt_1").endsWith(": AUTH"));
    }

    static int createCalls(CloudProvider p) {
        return (int) (p == CloudProvider.CLOUD_PROVIDER_AWS ? AwsStandInResource.standIn().calls()
                : DigitalOceanStandInResource.standIn().calls()).stream()
                .filter(c -> c.operation().equals(createOperation(p))).count();
    }
}

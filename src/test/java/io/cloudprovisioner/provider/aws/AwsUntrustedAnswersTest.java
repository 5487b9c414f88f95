package io.cloudprovisioner.provider.aws;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.DiscoverMachineTypesRequest;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileFinding;
import io.cloudprovisioner.api.v1.ReconcileFindingKind;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.aws.AwsStandIn;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.UntrustedAnswerException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EC2 answers are untrusted input: a DescribeInstances, DescribeInstanceTypes or DescribeSpotPriceHistory listing
 * whose NextToken repeats or never ends fails UNAVAILABLE at once (no retry, no hang), duplicated and impossible
 * entries are dropped, and an instance a tag filter returns without the managed-by tag is neither listed, nor counted
 * by Reconcile, nor adopted by a retried ProvisionInstance. The test page cap is 40.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
public class AwsUntrustedAnswersTest {
    static final String REGION = "us-east-1";

    @Inject
    AwsPrices prices;
    @Inject
    AwsAdapter adapter;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    AwsStandIn ec2;

    @BeforeEach
    void open() {
        ec2 = AwsStandInResource.standIn();
        ec2.resetInstances();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        catalog = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        ec2.faults().clear();
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), ec2.specViolations(), "requests that break the EC2 model");
    }

    ListInstancesRequest listRequest() {
        return ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).build();
    }

    DiscoverMachineTypesRequest discoverRequest() {
        return DiscoverMachineTypesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                .setRegion(REGION).setLive(true).build();
    }

    List<String> discovered() {
        return catalog.discoverMachineTypes(discoverRequest()).getOffersList().stream()
                .map(o -> o.getInstanceType().getName()).toList();
    }

    ProvisionInstanceRequest provisionRequest(String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                .setInstanceType("m6i.large").setClientRequestId(requestId).build();
    }

    String plantManaged(String requestId) {
        return ec2.plant(REGION, "m6i.large", ManagedLabels.forRequest(requestId, Map.of()));
    }

    static void assertUntrusted(StatusRuntimeException e, String code) {
        ErrorInfo info = errorInfo(e);
        assertEquals("aws", info.getMetadataOrThrow("provider"));
        assertEquals(code, info.getMetadataOrThrow("provider_code"));
        assertEquals("false", info.getMetadataOrThrow("retryable"));
        assertTrue(e.getStatus().getDescription().startsWith("Amazon EC2"), e.getStatus().getDescription());
    }

    @Test
    void aRepeatedNextTokenEndsTheListingUnavailableAtOnceWithoutRetries() {
        plantManaged("rep-1");
        ec2.faults().hostile("DescribeInstances", Hostile.REPEAT_CURSOR);
        long start = System.nanoTime();
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not a hang");
        assertUntrusted(e, UntrustedAnswerException.REPEATED_CURSOR);
        assertTrue(e.getStatus().getDescription().contains("instances in us-east-1"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("page 2 names a next-page cursor an earlier page"));
        // page 1 names tok-0-2, page 2 names it again: two requests, and neither the SDK nor the guard repeated them
        List<Map<String, String>> forms = ec2.forms("DescribeInstances");
        assertEquals(2, forms.size());
        assertFalse(forms.get(0).containsKey("NextToken"));
        assertEquals("tok-0-2", forms.get(1).get("NextToken"));

        ec2.faults().clear();
        ec2.faults().hostile("DescribeInstanceTypes", Hostile.REPEAT_CURSOR);
        StatusRuntimeException d = expect(Status.Code.UNAVAILABLE, () -> catalog.discoverMachineTypes(
                discoverRequest()));
        assertUntrusted(d, UntrustedAnswerException.REPEATED_CURSOR);
        assertEquals(2, ec2.forms("DescribeInstanceTypes").size());
    }

    @Test
    void aListingThatNeverEndsStopsAtThePageCap() {
        ec2.faults().hostile("DescribeInstances", Hostile.ENDLESS_PAGES);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.listInstances(listRequest()));
        assertUntrusted(e, UntrustedAnswerException.PAGE_CAP);
        assertTrue(e.getStatus().getDescription().contains("40 pages"), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("cloudprovisioner.aws.provider-answers.max-pages"));
        List<Map<String, String>> forms = ec2.forms("DescribeInstances");
        assertEquals(40, forms.size());
        assertEquals(39, forms.stream().map(f -> f.get("NextToken")).filter(t -> t != null).distinct().count(),
                "a fresh NextToken on every page");

        ec2.faults().clear();
        ec2.faults().hostile("DescribeSpotPriceHistory", Hostile.ENDLESS_PAGES);
        UntrustedAnswerException spot = assertThrows(UntrustedAnswerException.class,
                () -> prices.fetch(Set.of(REGION)));
        assertEquals(UntrustedAnswerException.PAGE_CAP, spot.providerCode());
        assertEquals(40, ec2.forms("DescribeSpotPriceHistory").size());
    }

    @Test
    void duplicatedInstancesAndTypesAreListedOnce() {
        String a = plantManaged("dup-1");
        String b = plantManaged("dup-2");
        ec2.faults().hostile("DescribeInstances", Hostile.DUPLICATES)
                .hostile("DescribeInstanceTypes", Hostile.DUPLICATES);
        List<String> ids = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).sorted().toList();
        assertEquals(java.util.stream.Stream.of(a, b).sorted().toList(), ids);
        List<String> types = discovered();
        assertEquals(types.stream().distinct().toList(), types);
        assertTrue(types.containsAll(List.of("m5.large", "m6i.large", "t3.micro")), types.toString());
    }

    @Test
    void typesAndSpotPricesWithImpossibleFiguresAreDroppedAndTheOthersKept() {
        ec2.faults().hostile("DescribeInstanceTypes", Hostile.GARBAGE_NUMBERS)
                .hostile("DescribeSpotPriceHistory", Hostile.GARBAGE_NUMBERS);
        List<String> types = discovered();
        assertFalse(types.stream().anyMatch(t -> t.contains("garbage")), types.toString());
        assertTrue(types.containsAll(List.of("m5.large", "m6i.large", "g5.xlarge")), types.toString());
        List<LivePrice> live = prices.fetch(Set.of(REGION));
        assertFalse(live.stream().anyMatch(p -> p.instanceType().contains("garbage")), live.toString());
        assertTrue(live.stream().anyMatch(p -> p.instanceType().equals("m5.large")), live.toString());
    }

    @Test
    void anInstanceTheTagFilterReturnsWithoutTheManagedTagIsNotListedNorCounted() {
        String managed = plantManaged("someone-else");
        String unmanaged = ec2.plant(REGION, "m6i.large", Map.of("Name", "not-ours"));
        ec2.faults().hostile("DescribeInstances", Hostile.FOREIGN_UNDER_FILTER);
        List<String> listed = api.listInstances(listRequest()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).toList();
        assertEquals(List.of(managed), listed);

        ReconcileResponse r = api.reconcile(ReconcileRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setDryRun(true)
                .setGrace(Duration.newBuilder().setSeconds(60)).build());
        assertTrue(r.getRan());
        assertEquals(Map.of(), r.getProviderErrorsMap());
        assertEquals(1, r.getInstancesSeen(), "the unmanaged instance is not counted: " + r);
        List<String> orphans = r.getFindingsList().stream()
                .filter(f -> f.getKind() == ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN)
                .map(ReconcileFinding::getInstanceId).toList();
        assertEquals(List.of(managed), orphans);
        assertFalse(r.getFindingsList().stream().anyMatch(f -> f.getInstanceId().equals(unmanaged)), r.toString());
    }

    @Test
    void aRetriedProvisionDoesNotAdoptAnInstanceWithoutTheManagedTag() {
        ec2.faults().inject("RunInstances", Fault.SERVER_ERROR, 4);
        expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(provisionRequest("aws-mine-1")));
        assertEquals(4, ec2.forms("RunInstances").size());
        // Carries the request's id but not the managed-by tag: not an instance this service made.
        String foreign = ec2.plant(REGION, "m6i.large", Map.of(ManagedLabels.REQUEST_ID, "aws-mine-1"));
        ec2.faults().hostile("DescribeInstances", Hostile.FOREIGN_UNDER_FILTER);
        String id = api.provisionInstance(provisionRequest("aws-mine-1")).getInstance().getId();
        assertNotEquals(foreign, id);
        assertEquals(5, ec2.forms("RunInstances").size(), "looked up, found nothing of ours, created");
        assertTrue(ec2.forms("DescribeInstances").stream().anyMatch(f -> f.containsValue("tag:"
                + ManagedLabels.MANAGED_BY)), "the retry looked for an instance the failed attempt may have made");
    }

    @Test
    void aDescribeAnsweringOtherInstancesTooDescribesTheOneAskedFor() {
        String other = ec2.plant(REGION, "t3.micro", Map.of("Name", "listed-first"));
        String mine = plantManaged("describe-1");
        ec2.faults().hostile("DescribeInstances", Hostile.FOREIGN_UNDER_FILTER);
        io.cloudprovisioner.domain.Instance d = adapter.describe(REGION, mine);
        assertEquals(mine, d.id());
        assertEquals("m6i.large", d.instanceType());
        assertEquals(List.of(mine), ec2.forms("DescribeInstances").stream().map(f -> f.get("InstanceId.1")).toList());
        assertNotEquals(other, d.id());
    }

    @Test
    void theTypeAskedForIsTheOneProvisionedWhenDescribeInstanceTypesListsOthersFirst() {
        // arm64 types are listed before m5.large: taking the first entry would pick the arm64 image
        ec2.faults().hostile("DescribeInstanceTypes", Hostile.FOREIGN_UNDER_FILTER);
        ProvisionedInstance i = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceType("m5.large")
                .setClientRequestId("aws-type-1").build()).getInstance();
        assertEquals("m5.large", i.getInstanceType());
        assertEquals("m5.large", ec2.forms("DescribeInstanceTypes").get(0).get("InstanceType.1"));
        assertEquals(List.of("ami-0aa00000000000002"), ec2.forms("RunInstances").stream()
                .map(f -> f.get("ImageId")).toList(), "the newest amd64 image, for m5.large's x86_64");
    }
}

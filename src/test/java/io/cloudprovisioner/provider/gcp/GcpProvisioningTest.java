package io.cloudprovisioner.provider.gcp;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.GetInstanceDetailsRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusResponse;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.StandIn.RecordedCall;
import io.cloudprovisioner.harness.gcp.GcpStandIn;
import io.cloudprovisioner.harness.gcp.GcpStandInResource;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The GCP adapter through the gRPC API against the Compute Engine stand-in: the exact requests Compute receives,
 * the instance life cycle, zone fallback, idempotency, and the error mapping of every injected fault. Every request
 * is validated against the published Compute description (specViolations() is empty after every test).
 */
@QuarkusTest
@QuarkusTestResource(value = GcpStandInResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class GcpProvisioningTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REGION = "us-central1";

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    GcpStandIn standIn;

    @Inject
    GcpAdapter adapter;

    static boolean warmedUp;

    @BeforeEach
    void open() {
        standIn = GcpStandInResource.standIn();
        if (!warmedUp) {
            // The first call of the JVM (client creation, token exchange, class loading on a busy 2-core machine)
            // can outlast the short per-attempt timeout of the test profile; warm up so exact call lists hold.
            adapter.listManaged("");
            warmedUp = true;
        }
        standIn.reset();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "requests that break the Compute v1 description");
    }

    static ProvisionInstanceRequest.Builder request(String type, String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION)
                .setInstanceType(type).setClientRequestId(requestId);
    }

    static JsonNode body(RecordedCall c) {
        try {
            return JSON.readTree(c.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String query(RecordedCall c, String name) {
        for (String pair : c.query().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static String requestIdFor(String clientRequestId, String zone) {
        return UUID.nameUUIDFromBytes(("cloud-provisioner/gcp/instances.insert/" + clientRequestId + "/" + zone)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    void assertNoSecret(StatusRuntimeException e) {
        String text = e.getStatus().toString() + " " + errorInfo(e).toString();
        for (String token : standIn.issuedTokens()) {
            assertFalse(text.contains(token), "access token leaked into the error");
        }
        assertFalse(text.contains(GcpStandInResource.privateKeyBase64().substring(0, 40)), "private key leaked");
        assertFalse(text.contains("PRIVATE KEY"), "private key leaked");
    }

    static void assertErrorInfo(StatusRuntimeException e, String reason, String scope, String code) {
        ErrorInfo info = errorInfo(e);
        assertEquals(reason, info.getReason());
        assertEquals("gcp", info.getMetadataMap().get("provider"));
        assertEquals(scope, info.getMetadataMap().get("scope"));
        assertEquals(code, info.getMetadataMap().get("provider_code"));
    }

    @Test
    @Order(1)
    void provisionStatusDetailsTerminateListThroughTheApi() {
        ProvisionInstanceResponse r = api.provisionInstance(request("n2-standard-2", "req-E2E_1")
                .putLabels("team", "core").build());
        String name = GcpAdapter.instanceName("req-E2E_1");
        assertTrue(name.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])"), name);
        assertTrue(name.startsWith("cp-req-e2e-1-"), name);
        ProvisionedInstance i = r.getInstance();
        assertEquals("us-central1-a/" + name, i.getId());
        assertEquals(CloudProvider.CLOUD_PROVIDER_GCP, i.getProvider());
        assertEquals("n2-standard-2", i.getInstanceType());
        assertEquals(REGION, i.getRegion());
        assertEquals("us-central1-a", i.getZone());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        assertEquals("10.128.0.2", i.getPrivateIp());
        assertEquals("34.118.0.10", i.getPublicIp());
        assertEquals(Map.of("team", "core", "managed-by", "cloud-provisioner", "cloudprovisioner-request-id",
                "req-e2e_1"), i.getLabelsMap());
        assertEquals("req-e2e_1", i.getClientRequestId());
        assertFalse(i.getSpot());
        assertTrue(i.getCreatedAt().getSeconds() > 0);

        // The exact traffic: token exchange, idempotency lookup, firewall (created once), insert, wait, reads.
        List<String> ops = standIn.calls().stream().map(RecordedCall::operation)
                .filter(o -> !o.equals("oauth2.token")).toList();
        assertEquals(List.of("instances.aggregatedList", "firewalls.get", "firewalls.insert", "globalOperations.wait",
                "instances.insert", "zoneOperations.wait", "instances.get", "instances.get"), ops);
        assertEquals("name = \"" + name + "\"", query(standIn.calls("instances.aggregatedList").get(0), "filter"));

        RecordedCall fwCall = standIn.calls("firewalls.insert").get(0);
        assertEquals("/compute/v1/projects/cp-test-project/global/firewalls", fwCall.path());
        JsonNode fw = body(fwCall);
        assertEquals("cloud-provisioner-ingress", fw.get("name").asText());
        assertEquals("global/networks/default", fw.get("network").asText());
        assertEquals("INGRESS", fw.get("direction").asText());
        assertEquals("[\"203.0.113.0/24\"]", fw.get("sourceRanges").toString());
        assertEquals("[\"cloud-provisioner\"]", fw.get("targetTags").toString());
        assertEquals(json("[{\"IPProtocol\":\"tcp\",\"ports\":[\"22\",\"8080\"]}]"), fw.get("allowed"));
        assertTrue(standIn.firewall("cloud-provisioner-ingress").isPresent());

        RecordedCall insert = standIn.calls("instances.insert").get(0);
        assertEquals("POST", insert.method());
        assertEquals("/compute/v1/projects/cp-test-project/zones/us-central1-a/instances", insert.path());
        assertEquals(requestIdFor("req-E2E_1", "us-central1-a"), query(insert, "requestId"));
        JsonNode b = body(insert);
        assertEquals(name, b.get("name").asText());
        assertEquals("zones/us-central1-a/machineTypes/n2-standard-2", b.get("machineType").asText());
        assertEquals(json("{\"team\":\"core\",\"managed-by\":\"cloud-provisioner\",\"cloudprovisioner-request-id\":"
                + "\"req-e2e_1\"}"), b.get("labels"));
        assertEquals("[\"cloud-provisioner\"]", b.get("tags").get("items").toString());
        JsonNode disk = b.get("disks").get(0);
        assertTrue(disk.get("boot").asBoolean());
        assertTrue(disk.get("autoDelete").asBoolean());
        assertEquals("projects/debian-cloud/global/images/family/debian-12",
                disk.get("initializeParams").get("sourceImage").asText());
        assertEquals("10", disk.get("initializeParams").get("diskSizeGb").asText());
        assertEquals("zones/us-central1-a/diskTypes/pd-balanced",
                disk.get("initializeParams").get("diskType").asText());
        JsonNode nic = b.get("networkInterfaces").get(0);
        assertEquals("global/networks/default", nic.get("network").asText());
        assertEquals("ONE_TO_ONE_NAT", nic.get("accessConfigs").get(0).get("type").asText());
        JsonNode meta = b.get("metadata").get("items").get(0);
        assertEquals("ssh-keys", meta.get("key").asText());
        assertEquals("cloudprovisioner:" + GcpStandInResource.SSH_KEY, meta.get("value").asText());
        assertFalse(b.has("scheduling"), "no scheduling without spot or TEE");
        assertFalse(b.has("confidentialInstanceConfig"));

        GetInstanceStatusResponse st = api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION).setInstanceId(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, st.getStatus());
        assertEquals("RUNNING", st.getProviderStatus());

        ProvisionedInstance details = api.getInstanceDetails(GetInstanceDetailsRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION).setInstanceId(i.getId()).build())
                .getInstance();
        assertEquals(i.getId(), details.getId());
        assertEquals("34.118.0.10", details.getPublicIp());
        assertEquals("n2-standard-2", details.getInstanceType());
        assertTrue(details.hasHourlyPrice(), "priced from the catalog");

        List<ProvisionedInstance> listed = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).build()).getInstancesList();
        assertEquals(List.of(i.getId()), listed.stream().map(ProvisionedInstance::getId).toList());
        assertEquals("labels.managed-by = \"cloud-provisioner\"",
                query(standIn.calls("instances.aggregatedList").get(1), "filter"));

        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION)
                .setInstanceId(i.getId()).build()).getStatus());
        RecordedCall del = standIn.calls("instances.delete").get(0);
        assertEquals("/compute/v1/projects/cp-test-project/zones/us-central1-a/instances/" + name, del.path());
        assertEquals(0, standIn.liveInstances());
        assertTrue(api.listInstances(ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP)
                .build()).getInstancesList().isEmpty());
        // Terminate is idempotent: gone is TERMINATED.
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION)
                .setInstanceId(i.getId()).build()).getStatus());
        StatusRuntimeException e = expect(Status.Code.NOT_FOUND, () -> api.getInstanceStatus(
                GetInstanceStatusRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP)
                        .setRegion(REGION).setInstanceId(i.getId()).build()));
        assertErrorInfo(e, "NOT_FOUND", "REQUEST", "notFound");
    }

    @Test
    @Order(2)
    void aRetriedProvisionWithTheSameRequestIdReturnsTheSameInstance() {
        ProvisionedInstance first = api.provisionInstance(request("e2-standard-2", "retry-1").build()).getInstance();
        ProvisionedInstance second = api.provisionInstance(request("e2-standard-2", "retry-1").build()).getInstance();
        assertEquals(first.getId(), second.getId());
        assertEquals(1, standIn.calls("instances.insert").size(), "the retry finds the instance, inserts nothing");
        assertEquals(1, standIn.liveInstances());
        // The firewall rule was created by the first test and is not looked up again.
        assertTrue(standIn.calls("firewalls.get").isEmpty());
    }

    @Test
    void anInsertRetriedAfterThrottlingCarriesTheSameRequestId() {
        standIn.faults().inject("instances.insert", Fault.THROTTLE, 1);
        ProvisionedInstance i = api.provisionInstance(request("e2-standard-2", "throttled-once").build())
                .getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        List<RecordedCall> inserts = standIn.calls("instances.insert");
        assertEquals(2, inserts.size(), "the 429 was retried");
        assertEquals(query(inserts.get(0), "requestId"), query(inserts.get(1), "requestId"));
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void capacityInTheFirstZoneMovesToTheNextZone() {
        standIn.faults().inject("instances.insert", Fault.CAPACITY, 1);
        ProvisionedInstance i = api.provisionInstance(request("n2-standard-2", "cap-1").build()).getInstance();
        assertEquals("us-central1-b", i.getZone());
        List<RecordedCall> inserts = standIn.calls("instances.insert");
        assertEquals(List.of("/compute/v1/projects/cp-test-project/zones/us-central1-a/instances",
                "/compute/v1/projects/cp-test-project/zones/us-central1-b/instances"),
                inserts.stream().map(RecordedCall::path).toList());
        assertEquals(requestIdFor("cap-1", "us-central1-a"), query(inserts.get(0), "requestId"));
        assertEquals(requestIdFor("cap-1", "us-central1-b"), query(inserts.get(1), "requestId"));
        assertEquals("zones/us-central1-b/machineTypes/n2-standard-2", body(inserts.get(1)).get("machineType")
                .asText());
        assertEquals(1, standIn.liveInstances());
    }

    @Test
    void capacityInEveryZoneIsResourceExhaustedForTheRegion() {
        standIn.faults().inject("instances.insert", Fault.CAPACITY, 3);
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED, () -> api.provisionInstance(
                request("n2-standard-2", "cap-all").build()));
        assertErrorInfo(e, "CAPACITY", "REGION", "ZONE_RESOURCE_POOL_EXHAUSTED");
        assertEquals(3, standIn.calls("instances.insert").size());
        assertTrue(e.getStatus().getDescription().contains("us-central1-c"), e.getStatus().getDescription());
        assertEquals(0, standIn.liveInstances());
        assertNoSecret(e);
    }

    @Test
    void capacityInAnExplicitZoneIsNotMovedElsewhere() {
        standIn.faults().inject("instances.insert", Fault.CAPACITY, 1);
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED, () -> api.provisionInstance(
                request("n2-standard-2", "cap-zone").setZone("us-central1-f").build()));
        assertErrorInfo(e, "CAPACITY", "ZONE", "ZONE_RESOURCE_POOL_EXHAUSTED");
        assertEquals(1, standIn.calls("instances.insert").size());
    }

    @Test
    void quotaIsResourceExhaustedForTheRegion() {
        standIn.faults().inject("instances.insert", Fault.QUOTA, 1);
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED, () -> api.provisionInstance(
                request("n2-standard-2", "quota-1").build()));
        assertErrorInfo(e, "QUOTA", "REGION", "QUOTA_EXCEEDED");
        assertEquals(1, standIn.calls("instances.insert").size(), "quota is not retried in the next zone");
        assertNoSecret(e);
    }

    @Test
    void throttlingThatOutlastsTheRetriesIsUnavailableWithRetryInfo() {
        standIn.faults().inject("instances.insert", Fault.THROTTLE, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(
                request("n2-standard-2", "throttle-3").build()));
        assertErrorInfo(e, "RATE_LIMITED", "PROVIDER", "rateLimitExceeded");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent());
        assertEquals(4, standIn.calls("instances.insert").size(), "first attempt + fault-tolerance max-retries 3");
        assertNoSecret(e);
    }

    @Test
    void serverErrorsThatOutlastTheRetriesAreUnavailableWithRetryInfo() {
        api.provisionInstance(request("e2-standard-2", "five-oh-three").build());
        standIn.faults().inject("instances.get", Fault.SERVER_ERROR, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.getInstanceStatus(
                GetInstanceStatusRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION)
                        .setInstanceId("us-central1-a/" + GcpAdapter.instanceName("five-oh-three")).build()));
        assertErrorInfo(e, "TRANSIENT", "PROVIDER", "backendError");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent());
        assertNoSecret(e);
    }

    @Test
    void rejectedCredentialsAreFailedPreconditionWithoutTheSecret() {
        standIn.faults().inject("instances.insert", Fault.AUTH, 1);
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> api.provisionInstance(
                request("n2-standard-2", "auth-1").build()));
        // Compute answers 401 with a WWW-Authenticate header; the JDK's HttpURLConnection then raises
        // HttpRetryException for a streamed POST and the JSON body is lost: the status code is what remains.
        assertErrorInfo(e, "AUTH", "PROVIDER", "HTTP 401");
        assertEquals(1, standIn.calls("instances.insert").size(), "401 is not retried");
        assertFalse(standIn.issuedTokens().isEmpty());
        assertNoSecret(e);
    }

    @Test
    void aMachineTypeComputeRejectsIsInvalidArgument() {
        int before = standIn.calls("instances.insert").size();
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> api.provisionInstance(
                request("zz9-bogus-2", "bad-1").build()));
        assertErrorInfo(e, "INVALID_REQUEST", "REQUEST", "invalid");
        assertTrue(e.getStatus().getDescription().contains("zz9-bogus-2"));
        assertEquals(before + 1, standIn.calls("instances.insert").size(), "an invalid request is not retried");
        assertEquals(0, standIn.liveInstances());
    }

    @Test
    void anUnknownInstanceIsNotFound() {
        StatusRuntimeException e = expect(Status.Code.NOT_FOUND, () -> api.getInstanceDetails(
                GetInstanceDetailsRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP)
                        .setRegion(REGION).setInstanceId("us-central1-a/cp-nobody-00000000").build()));
        assertErrorInfo(e, "NOT_FOUND", "REQUEST", "notFound");
        // A bare name is looked up across the region's zones.
        expect(Status.Code.NOT_FOUND, () -> api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION).setInstanceId("cp-nobody").build()));
    }

    @Test
    void requireTeeOnN2dAsksForSevAndTerminateOnMaintenance() {
        ProvisionedInstance i = api.provisionInstance(request("n2d-standard-2", "tee-sev")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setRequireTee(true)).build())
                .getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        JsonNode b = body(standIn.calls("instances.insert").get(0));
        assertEquals("{\"enableConfidentialCompute\":true}", b.get("confidentialInstanceConfig").toString());
        assertEquals("{\"onHostMaintenance\":\"TERMINATE\"}", b.get("scheduling").toString());
    }

    @Test
    void requireTeeOnC3AsksForTdx() {
        api.provisionInstance(request("c3-standard-4", "tee-tdx")
                .setSpec(ResourceSpec.newBuilder().setCpu(4).setMemoryGb(16).setRequireTee(true)).build());
        JsonNode b = body(standIn.calls("instances.insert").get(0));
        assertEquals("{\"confidentialInstanceType\":\"TDX\"}", b.get("confidentialInstanceConfig").toString());
        assertEquals("TERMINATE", b.get("scheduling").get("onHostMaintenance").asText());
    }

    @Test
    void spotAllowedBySpecAndPreferencesRequestsSpotCapacity() {
        ProvisionedInstance i = api.provisionInstance(request("n2-standard-2", "spot-1")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setAllowSpot(true))
                .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(true)).build()).getInstance();
        assertTrue(i.getSpot());
        JsonNode s = body(standIn.calls("instances.insert").get(0)).get("scheduling");
        assertEquals("SPOT", s.get("provisioningModel").asText());
        assertEquals("DELETE", s.get("instanceTerminationAction").asText());
        assertFalse(s.get("automaticRestart").asBoolean());
        assertEquals("TERMINATE", s.get("onHostMaintenance").asText());
    }

    @Test
    void spotAllowedBySpecOnlyStaysOnDemand() {
        ProvisionedInstance i = api.provisionInstance(request("n2-standard-2", "spot-no")
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setAllowSpot(true))
                .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(false)).build()).getInstance();
        assertFalse(i.getSpot());
        assertFalse(body(standIn.calls("instances.insert").get(0)).has("scheduling"));
    }

    @Test
    void aSlowAnswerBeyondTheAttemptTimeoutIsRetried() {
        api.provisionInstance(request("e2-standard-2", "slow-1").build());
        // Well beyond the 3 s attempt limit (connect 1 s + read 2 s, gax's timeout of the one attempt it makes); the
        // fault-tolerance guard then retries. (The guard's own timeout cannot cut a gax call short: gax waits for its
        // future uninterruptibly.)
        standIn.faults().slowDelayMillis(5000);
        standIn.faults().inject("instances.get", Fault.SLOW, 1);
        int before = standIn.calls("instances.get").size();
        long start = System.nanoTime();
        GetInstanceStatusResponse st = api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setRegion(REGION)
                .setInstanceId("us-central1-a/" + GcpAdapter.instanceName("slow-1")).build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, st.getStatus());
        assertEquals(before + 2, standIn.calls("instances.get").size(), "the slow attempt and its retry");
        assertTrue(millis < 4500, "the slow attempt was abandoned after its timeout, took " + millis + " ms");
        standIn.faults().slowDelayMillis(1500);
    }

    @Test
    void discoveryListsMachineTypesOfTheRegionsZonesOnce() {
        List<DiscoveredType> types = adapter.discoverTypes(REGION);
        assertEquals(List.of("us-central1-a", "us-central1-b", "us-central1-c"), standIn.calls("machineTypes.list")
                .stream().map(c -> c.path().split("/")[6]).toList());
        assertEquals(5, types.size());
        DiscoveredType a2 = types.stream().filter(t -> t.name().equals("a2-highgpu-1g")).findFirst().orElseThrow();
        assertEquals(12, a2.vcpus());
        assertEquals(85, a2.memoryGib());
        assertEquals(1, a2.gpuCount());
        assertTrue(Double.isNaN(a2.usdPerHour()));
    }

    // ---- TerminateInstance tells the truth --------------------------------------------------------------------

    static TerminateInstanceRequest.Builder terminateRequest(String id) {
        return TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_GCP).setInstanceId(id);
    }

    @Test
    void terminateNamingAnotherRegionIsRefusedUnknownIdsAreNotFoundAndTwiceIsHarmless() {
        ProvisionedInstance i = api.provisionInstance(request("e2-standard-2", "gcp-term-1").build()).getInstance();
        StatusRuntimeException wrong = expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminateRequest(i.getId()).setRegion("asia-east1").build()));
        assertRegionRefused(wrong, REGION);
        assertTrue(standIn.calls("instances.delete").isEmpty());
        assertEquals(1, standIn.liveInstances(), "still running");

        // Ids Compute does not have in the region: a bare name, and a zone/name whose zone is elsewhere.
        StatusRuntimeException unknown = expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(
                terminateRequest("cp-never-made").setRegion(REGION).build()));
        assertEquals("NOT_FOUND", errorInfo(unknown).getReason());
        expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(terminateRequest("us-central1-a/cp-never-made")
                .setRegion("asia-east1").build()));
        assertTrue(standIn.calls("instances.delete").isEmpty(), "never deleted");

        TerminateInstanceResponse done = api.terminateInstance(terminateRequest(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, done.getStatus());
        assertEquals(LedgerState.LEDGER_STATE_TERMINATED, done.getLedgerState());
        assertEquals(REGION, done.getRegion());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(i.getId())
                .setRegion(REGION).setClientRequestId("gcp-term-again").build()).getStatus());
        assertEquals(1, standIn.calls("instances.delete").size(), "already terminated: no second delete");
        assertEquals(0, standIn.liveInstances());
    }

    static void assertRegionRefused(StatusRuntimeException e, String actual) {
        com.google.rpc.BadRequest br = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow();
        assertEquals("region", br.getFieldViolations(0).getField());
        assertTrue(br.getFieldViolations(0).getDescription().contains("is in region " + actual), br.toString());
    }
}

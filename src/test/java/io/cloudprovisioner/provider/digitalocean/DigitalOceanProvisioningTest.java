package io.cloudprovisioner.provider.digitalocean;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.GetInstanceDetailsRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.StandIn.RecordedCall;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProvisionRequest;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DigitalOcean adapter through the gRPC API against the DigitalOcean stand-in: what reaches the API (exactly),
 * the lifecycle, idempotency, the firewall, rate limits and every fault's gRPC status. Every request the stand-in
 * receives is validated against DigitalOcean's published OpenAPI description.
 */
@QuarkusTest
@QuarkusTestResource(value = DigitalOceanStandInResource.class, restrictToAnnotatedClass = true)
public class DigitalOceanProvisioningTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REGION = "nyc3";
    static final String SIZE = "s-1vcpu-1gb";

    @Inject
    DigitalOceanAdapter adapter;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    DigitalOceanStandIn standIn;

    @BeforeEach
    void open() {
        standIn = DigitalOceanStandInResource.standIn();
        standIn.reset();
        adapter.forgetCachedIds();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "requests that break DigitalOcean's OpenAPI description");
    }

    static ProvisionInstanceRequest.Builder request(String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion(REGION).setInstanceType(SIZE).putLabels("team", "core").setClientRequestId(requestId);
    }

    static JsonNode body(RecordedCall c) {
        try {
            return JSON.readTree(c.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    GetInstanceStatusRequest statusOf(String id) {
        return GetInstanceStatusRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion(REGION).setInstanceId(id).build();
    }

    void assertNoSecret(StatusRuntimeException e) {
        assertFalse(String.valueOf(e.getStatus().getDescription()).contains(DigitalOceanStandInResource.TOKEN),
                "token in error description");
        assertFalse(e.toString().contains(DigitalOceanStandInResource.TOKEN), "token in error");
    }

    static ErrorInfo assertErrorInfo(StatusRuntimeException e, String reason, String scope) {
        ErrorInfo info = errorInfo(e);
        assertEquals(reason, info.getReason());
        assertEquals("digitalocean", info.getMetadataOrThrow("provider"));
        assertEquals(scope, info.getMetadataOrThrow("scope"));
        return info;
    }

    @Test
    void provisionStatusDetailsTerminateListThroughTheApi() {
        ProvisionInstanceResponse created = api.provisionInstance(request("Req-DO-1").build());
        ProvisionedInstance inst = created.getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, inst.getStatus());
        assertEquals(SIZE, inst.getInstanceType());
        assertEquals(REGION, inst.getRegion());
        assertEquals("Req-DO-1", created.getClientRequestId());
        assertEquals("req-do-1", inst.getClientRequestId());
        assertTrue(inst.getPublicIp().startsWith("203.0.113."), inst.getPublicIp());
        assertTrue(inst.getPrivateIp().startsWith("10.128."), inst.getPrivateIp());
        assertEquals("core", inst.getLabelsOrThrow("team"));
        assertEquals("cloud-provisioner", inst.getLabelsOrThrow(ManagedLabels.MANAGED_BY));
        assertTrue(inst.hasCreatedAt());
        assertFalse(inst.getSpot());

        // Idempotency look-up by the request tag comes first.
        RecordedCall lookup = standIn.calls().get(0);
        assertEquals("droplets.list", lookup.operation());
        assertTrue(lookup.query().contains("tag_name=cloudprovisioner-request-id%3Areq-do-1"), lookup.query());

        // The SSH public key is looked up by name, then registered once.
        JsonNode key = body(standIn.calls("keys.create").get(0));
        assertEquals("cloud-provisioner", key.get("name").asText());
        assertEquals(DigitalOceanStandInResource.PUBLIC_KEY, key.get("public_key").asText());

        List<RecordedCall> creates = standIn.calls("droplets.create");
        assertEquals(1, creates.size());
        JsonNode c = body(creates.get(0));
        assertEquals("cp-req-do-1", c.get("name").asText());
        assertEquals(REGION, c.get("region").asText());
        assertEquals(SIZE, c.get("size").asText());
        assertEquals("ubuntu-24-04-x64", c.get("image").asText());
        assertEquals(289794, c.get("ssh_keys").get(0).asLong());
        assertEquals("3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45", c.get("ssh_keys").get(1).asText());
        assertTrue(c.get("ssh_keys").get(2).isNumber(), "registered key id: " + c.get("ssh_keys"));
        assertEquals(3, c.get("ssh_keys").size());
        assertEquals(List.of("team:core", "managed-by:cloud-provisioner", "cloudprovisioner-request-id:req-do-1"),
                texts(c.get("tags")));
        assertEquals("#cloud-config\nruncmd:\n  - touch /ready\n", c.get("user_data").asText());
        assertFalse(c.has("spot") || c.has("preemptible"), "no spot fields for DigitalOcean");

        // The cloud firewall: the configured ports, open to the configured CIDRs, applied by the managed tag.
        List<RecordedCall> fw = standIn.calls("firewalls.create");
        assertEquals(1, fw.size());
        JsonNode f = body(fw.get(0));
        assertTrue(f.get("name").asText().startsWith("cloud-provisioner-"), f.get("name").asText());
        assertEquals(List.of("managed-by:cloud-provisioner"), texts(f.get("tags")));
        assertEquals(2, f.get("inbound_rules").size());
        assertEquals("tcp", f.get("inbound_rules").get(0).get("protocol").asText());
        assertEquals("22", f.get("inbound_rules").get(0).get("ports").asText());
        assertEquals("8080", f.get("inbound_rules").get(1).get("ports").asText());
        assertEquals(List.of("0.0.0.0/0", "::/0"), texts(f.get("inbound_rules").get(0).get("sources")
                .get("addresses")));
        assertEquals(3, f.get("outbound_rules").size());

        String id = inst.getId();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, api.getInstanceStatus(statusOf(id)).getStatus());
        assertEquals("active", api.getInstanceStatus(statusOf(id)).getProviderStatus());
        ProvisionedInstance details = api.getInstanceDetails(GetInstanceDetailsRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION).setInstanceId(id).build())
                .getInstance();
        assertEquals(id, details.getId());
        assertEquals("req-do-1", details.getClientRequestId());
        assertTrue(details.getHourlyPrice().getUsdPerHour() > 0, "catalog price for the size");

        List<ProvisionedInstance> listed = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build()).getInstancesList();
        assertEquals(List.of(id), listed.stream().map(ProvisionedInstance::getId).toList());
        assertTrue(standIn.calls("droplets.list").stream()
                .anyMatch(x -> x.query().contains("tag_name=managed-by%3Acloud-provisioner")));

        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion(REGION)
                .setInstanceId(id).build()).getStatus());
        RecordedCall delete = standIn.calls("droplets.delete").get(0);
        assertEquals("/v2/droplets/" + id, delete.path());
        assertEquals(0, standIn.liveInstances());
        // Deleting again is not an error; reading it is NOT_FOUND.
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(id).build())
                .getStatus());
        StatusRuntimeException gone = expect(Status.Code.NOT_FOUND, () -> api.getInstanceStatus(statusOf(id)));
        assertErrorInfo(gone, "NOT_FOUND", "REQUEST");
        assertEquals(List.of(), api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build()).getInstancesList());
    }

    @Test
    void theSameRequestIdReturnsTheSameDropletAndCreatesOnlyOnce() {
        String first = api.provisionInstance(request("idem-1").build()).getInstance().getId();
        String second = api.provisionInstance(request("idem-1").build()).getInstance().getId();
        assertEquals(first, second);
        assertEquals(1, standIn.calls("droplets.create").size());
        assertEquals(1, standIn.calls("firewalls.create").size(), "firewall created once");
        assertEquals(1, standIn.liveInstances());
        String other = api.provisionInstance(request("idem-2").build()).getInstance().getId();
        assertFalse(other.equals(first));
        assertEquals(2, standIn.liveInstances());
        assertEquals(1, standIn.calls("keys.create").size(), "key registered once");
    }

    @Test
    void anExistingFirewallAndKeyAreFoundByNameNotCreatedAgain() {
        api.provisionInstance(request("fw-1").build());
        adapter.forgetCachedIds();
        api.provisionInstance(request("fw-2").build());
        assertEquals(1, standIn.calls("firewalls.create").size());
        assertEquals(1, standIn.calls("keys.create").size());
        assertTrue(standIn.calls("firewalls.list").size() >= 2);
    }

    @Test
    void aThrottledCreateIsRetriedAfterTheResetAndSucceeds() {
        standIn.faults().inject("droplets.create", Fault.THROTTLE, 1);
        long t0 = System.nanoTime();
        ProvisionedInstance inst = api.provisionInstance(request("throttle-1").build()).getInstance();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, inst.getStatus());
        assertEquals(2, standIn.calls("droplets.create").size());
        assertEquals(1, standIn.liveInstances());
        assertTrue(ms >= 900, "waited for retry-after / ratelimit-reset, took " + ms + " ms");
    }

    @Test
    void persistentThrottlingIsUnavailableWithRetryInfoAndTheResetHint() {
        standIn.faults().inject("droplets.create", Fault.THROTTLE, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                () -> api.provisionInstance(request("throttle-2").build()));
        assertErrorInfo(e, "RATE_LIMITED", "PROVIDER");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent(), "RetryInfo");
        assertTrue(e.getStatus().getDescription().contains("resets in"), e.getStatus().getDescription());
        assertEquals(4, standIn.calls("droplets.create").size(), "first attempt + fault-tolerance max-retries 3");
        assertEquals(0, standIn.liveInstances());
        assertNoSecret(e);
    }

    @Test
    void aServerErrorOnCreateIsUnavailableAtOnceButReadsAreRetried() {
        standIn.faults().inject("droplets.create", Fault.SERVER_ERROR, 1);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                () -> api.provisionInstance(request("err-1").build()));
        ErrorInfo info = assertErrorInfo(e, "TRANSIENT", "PROVIDER");
        assertEquals("server_error", info.getMetadataOrThrow("provider_code"));
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent());
        assertEquals(1, standIn.calls("droplets.create").size(), "a create is not blindly retried");
        assertNoSecret(e);

        // The client retries with the same request id: one droplet.
        standIn.faults().inject("droplets.get", Fault.SERVER_ERROR, 1);
        ProvisionedInstance inst = api.provisionInstance(request("err-1").build()).getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, inst.getStatus());
        assertEquals(1, standIn.liveInstances());
        assertEquals(2, standIn.faults().injectedCounts().get(Fault.SERVER_ERROR));
    }

    @Test
    void capacityAndQuotaAreResourceExhaustedWithTheirScopes() {
        standIn.faults().inject("droplets.create", Fault.CAPACITY, 1);
        StatusRuntimeException cap = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("cap-1").build()));
        assertErrorInfo(cap, "CAPACITY", "REGION");
        assertTrue(cap.getStatus().getDescription().contains("not available in this region"));

        standIn.faults().inject("droplets.create", Fault.QUOTA, 1);
        StatusRuntimeException quota = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("quota-1").build()));
        assertErrorInfo(quota, "QUOTA", "PROVIDER");
        assertEquals(0, standIn.liveInstances());
        assertNoSecret(cap);
        assertNoSecret(quota);
    }

    @Test
    void rejectedCredentialsAreFailedPreconditionWithoutTheToken() {
        standIn.faults().inject("droplets.get", Fault.AUTH, 1);
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> api.getInstanceStatus(statusOf("42")));
        assertErrorInfo(e, "AUTH", "PROVIDER");
        assertEquals("unauthorized", errorInfo(e).getMetadataOrThrow("provider_code"));
        assertNoSecret(e);
        assertEquals(1, standIn.calls("droplets.get").size(), "auth errors are not retried");
    }

    @Test
    void aSizeDigitalOceanRejectsIsInvalidArgument() {
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT,
                () -> api.provisionInstance(request("bad-1").setInstanceType("s-8vcpu-16gb").build()));
        assertErrorInfo(e, "INVALID_REQUEST", "REQUEST");
        assertEquals("s-8vcpu-16gb", body(standIn.calls("droplets.create").get(0)).get("size").asText());
        assertEquals(1, standIn.calls("droplets.create").size(), "an invalid request is not retried");
        assertNoSecret(e);
    }

    @Test
    void unknownIdsAreNotFound() {
        StatusRuntimeException e = expect(Status.Code.NOT_FOUND, () -> api.getInstanceStatus(statusOf("999999")));
        assertErrorInfo(e, "NOT_FOUND", "REQUEST");
        assertEquals("/v2/droplets/999999", standIn.calls("droplets.get").get(0).path());
        StatusRuntimeException notANumber = expect(Status.Code.NOT_FOUND,
                () -> api.getInstanceStatus(statusOf("abc")));
        assertErrorInfo(notANumber, "NOT_FOUND", "REQUEST");
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetriedButPersistentSlownessIsUnavailable() {
        api.provisionInstance(request("slow-1").build());
        String id = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).build()).getInstances(0).getId();
        standIn.faults().slowDelayMillis(3500);
        int before = standIn.calls("droplets.get").size();
        standIn.faults().inject("droplets.get", Fault.SLOW, 1);
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, api.getInstanceStatus(statusOf(id)).getStatus());
        assertEquals(before + 2, standIn.calls("droplets.get").size());

        standIn.faults().inject("droplets.get", Fault.SLOW, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.getInstanceStatus(statusOf(id)));
        assertErrorInfo(e, "TRANSIENT", "PROVIDER");
        // Quarkus' REST client reports its read timeout as a bare NullPointerException here (no cause chain), so
        // the description names the exception type rather than "timed out"; the class is what matters.
        assertTrue(e.getStatus().getDescription().contains("DigitalOcean Droplets API call"), e.getStatus().getDescription());
        standIn.faults().slowDelayMillis(1500);
    }

    @Test
    void aStoppedDropletIsStoppedNotTerminated() {
        String id = api.provisionInstance(request("off-1").build()).getInstance().getId();
        standIn.setStatus(Long.parseLong(id), "off");
        var s = api.getInstanceStatus(statusOf(id));
        assertEquals(InstanceStatus.INSTANCE_STATUS_STOPPED, s.getStatus());
        assertEquals("off", s.getProviderStatus());
    }

    @Test
    void teeIsRefusedBeforeAnyCallAndSpotNeverReachesDigitalOcean() {
        StatusRuntimeException tee = expect(Status.Code.FAILED_PRECONDITION, () -> api.provisionInstance(
                request("tee-1").setSpec(ResourceSpec.newBuilder().setCpu(1).setMemoryGb(1).setStorageGb(10)
                        .setRequireTee(true)).build()));
        assertTrue(tee.getStatus().getDescription().contains("confidential-computing"),
                tee.getStatus().getDescription());
        // The adapter refuses it too, should it ever be asked.
        ProviderException direct = assertThrows(ProviderException.class, () -> adapter.provision(
                new ProvisionRequest(SIZE, REGION, "", true, false, "tee-2", Map.of(), 10)));
        assertEquals(ErrorClass.INVALID_REQUEST, direct.errorClass());
        assertEquals(List.of(), standIn.calls(), "nothing reached DigitalOcean");

        ProvisionedInstance spot = api.provisionInstance(request("spot-1").setSpec(ResourceSpec.newBuilder()
                .setCpu(1).setMemoryGb(1).setStorageGb(10).setAllowSpot(true)).build()).getInstance();
        assertFalse(spot.getSpot());
        JsonNode c = body(standIn.calls("droplets.create").get(0));
        assertEquals(List.of("image", "name", "region", "size", "ssh_keys", "tags", "user_data"),
                sortedFields(c), "DigitalOcean has no spot field; nothing else is sent");
    }

    static List<String> sortedFields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        out.sort(null);
        return out;
    }

    @Test
    void discoveryReadsEveryPageOfSizesAndKeepsThoseAvailableInTheRegion() {
        List<DiscoveredType> types = adapter.discoverTypes("nyc3");
        assertEquals(List.of("s-1vcpu-1gb", "s-2vcpu-4gb", "c-2"), types.stream().map(DiscoveredType::name)
                .toList());
        DiscoveredType small = types.get(0);
        assertEquals(1, small.vcpus());
        assertEquals(1.0, small.memoryGib());
        assertEquals(0.00893, small.usdPerHour());
        assertEquals(3, standIn.calls("sizes.list").size(), "5 sizes at 2 per page");
        assertEquals(List.of("gpu-h100x1-80gb"), adapter.discoverTypes("tor1").stream()
                .map(DiscoveredType::name).toList());
        assertEquals(1, adapter.discoverTypes("tor1").get(0).gpuCount());
    }

    // ---- TerminateInstance tells the truth --------------------------------------------------------------------

    static TerminateInstanceRequest.Builder terminateRequest(String id) {
        return TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setInstanceId(id);
    }

    @Test
    void terminateNamingAnotherRegionIsRefusedUnknownIdsAreNotFoundAndTwiceIsHarmless() {
        String id = api.provisionInstance(request("do-term-1").build()).getInstance().getId();
        StatusRuntimeException wrong = expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminateRequest(id).setRegion("fra1").build()));
        assertRegionRefused(wrong, REGION);
        // A droplet the ledger does not know: its region comes from DigitalOcean itself.
        long planted = standIn.plant("not-recorded", REGION, SIZE, List.of(ManagedLabels.managedTag()),
                java.time.Instant.now());
        assertRegionRefused(expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminateRequest(Long.toString(planted)).setRegion("fra1").build())), REGION);
        assertTrue(standIn.calls("droplets.delete").isEmpty());
        assertEquals(2, standIn.liveInstances(), "both still running");

        StatusRuntimeException unknown = expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(
                terminateRequest("424242").setRegion(REGION).build()));
        assertErrorInfo(unknown, "NOT_FOUND", "REQUEST");
        assertTrue(standIn.calls("droplets.delete").isEmpty(), "looked up, never deleted");

        TerminateInstanceResponse done = api.terminateInstance(terminateRequest(id).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, done.getStatus());
        assertEquals(io.cloudprovisioner.api.v1.LedgerState.LEDGER_STATE_TERMINATED, done.getLedgerState());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(id)
                .setClientRequestId("do-term-again").build()).getStatus());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(
                Long.toString(planted)).build()).getStatus());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(
                Long.toString(planted)).setClientRequestId("do-term-planted-again").build()).getStatus(),
                "terminated through this service before: TERMINATED, although DigitalOcean now answers 404");
        assertEquals(2, standIn.calls("droplets.delete").size(), "one delete per droplet");
        assertEquals(0, standIn.liveInstances());
    }

    static void assertRegionRefused(StatusRuntimeException e, String actual) {
        com.google.rpc.BadRequest br = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow();
        assertEquals("region", br.getFieldViolations(0).getField());
        assertTrue(br.getFieldViolations(0).getDescription().contains("is in region " + actual), br.toString());
    }
}

package io.cloudprovisioner.provider.vultr;

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
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.StandIn.RecordedCall;
import io.cloudprovisioner.harness.vultr.VultrStandIn;
import io.cloudprovisioner.harness.vultr.VultrStandInResource;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vultr adapter through the gRPC API against the Vultr stand-in: exact requests, lifecycle, idempotency, the
 * firewall group, rate limits and every fault's gRPC status; every request validated against Vultr's OpenAPI.
 */
@QuarkusTest
@QuarkusTestResource(value = VultrStandInResource.class, restrictToAnnotatedClass = true)
public class VultrProvisioningTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REGION = "ewr";
    static final String PLAN = "vc2-1c-1gb";

    @Inject
    VultrAdapter adapter;

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    VultrStandIn standIn;

    @BeforeEach
    void open() {
        standIn = VultrStandInResource.standIn();
        standIn.reset();
        adapter.forgetCachedIds();
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
        assertEquals(List.of(), standIn.specViolations(), "requests that break Vultr's OpenAPI description");
    }

    static ProvisionInstanceRequest.Builder request(String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR)
                .setRegion(REGION).setInstanceType(PLAN).putLabels("team", "core").setClientRequestId(requestId);
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
        return GetInstanceStatusRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR)
                .setRegion(REGION).setInstanceId(id).build();
    }

    void assertNoSecret(StatusRuntimeException e) {
        assertFalse(e.toString().contains(VultrStandInResource.TOKEN), "API key in error");
    }

    static ErrorInfo assertErrorInfo(StatusRuntimeException e, String reason, String scope) {
        ErrorInfo info = errorInfo(e);
        assertEquals(reason, info.getReason());
        assertEquals("vultr", info.getMetadataOrThrow("provider"));
        assertEquals(scope, info.getMetadataOrThrow("scope"));
        return info;
    }

    @Test
    void provisionStatusDetailsTerminateListThroughTheApi() {
        ProvisionedInstance inst = api.provisionInstance(request("Req-V-1").build()).getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, inst.getStatus());
        assertEquals(PLAN, inst.getInstanceType());
        assertEquals(REGION, inst.getRegion());
        assertEquals("req-v-1", inst.getClientRequestId());
        assertTrue(inst.getPublicIp().startsWith("192.0.2."), inst.getPublicIp());
        assertTrue(inst.getPrivateIp().startsWith("10.1.96."), inst.getPrivateIp());
        assertEquals("core", inst.getLabelsOrThrow("team"));

        RecordedCall lookup = standIn.calls().get(0);
        assertEquals("instances.list", lookup.operation());
        assertTrue(lookup.query().contains("tag=cloudprovisioner-request-id%3Areq-v-1"), lookup.query());
        assertTrue(lookup.path().startsWith("/v2/"), "base URL with /v2");

        // Firewall group first (its id goes on the instance), one rule per port and CIDR.
        JsonNode group = body(standIn.calls("firewalls.create").get(0));
        assertTrue(group.get("description").asText().startsWith("cloud-provisioner-"));
        List<RecordedCall> rules = standIn.calls("firewallRules.create");
        assertEquals(4, rules.size(), "2 ports x 2 CIDRs");
        JsonNode r0 = body(rules.get(0));
        assertEquals("v4", r0.get("ip_type").asText());
        assertEquals("tcp", r0.get("protocol").asText());
        assertEquals("0.0.0.0", r0.get("subnet").asText());
        assertEquals(0, r0.get("subnet_size").asInt());
        assertEquals("22", r0.get("port").asText());
        JsonNode r1 = body(rules.get(1));
        assertEquals("v6", r1.get("ip_type").asText());
        assertEquals("::", r1.get("subnet").asText());
        assertEquals("8080", body(rules.get(2)).get("port").asText());

        JsonNode key = body(standIn.calls("sshKeys.create").get(0));
        assertEquals("cloud-provisioner", key.get("name").asText());
        assertEquals(VultrStandInResource.PUBLIC_KEY, key.get("ssh_key").asText());

        List<RecordedCall> creates = standIn.calls("instances.create");
        assertEquals(1, creates.size());
        JsonNode c = body(creates.get(0));
        assertEquals(REGION, c.get("region").asText());
        assertEquals(PLAN, c.get("plan").asText());
        assertEquals(2284, c.get("os_id").asInt());
        assertEquals("cp-req-v-1", c.get("label").asText());
        assertEquals("cp-req-v-1", c.get("hostname").asText());
        assertEquals("3b8066a7-b438-455a-9688-44afc9a3597f", c.get("sshkey_id").get(0).asText());
        assertEquals(2, c.get("sshkey_id").size());
        assertEquals(List.of("team:core", "managed-by:cloud-provisioner", "cloudprovisioner-request-id:req-v-1"),
                texts(c.get("tags")));
        assertFalse(c.get("firewall_group_id").asText().isEmpty());
        assertEquals("#cloud-config\nruncmd:\n  - touch /ready\n", new String(Base64.getDecoder()
                .decode(c.get("user_data").asText()), StandardCharsets.UTF_8));

        String id = inst.getId();
        var status = api.getInstanceStatus(statusOf(id));
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, status.getStatus());
        assertEquals("active/running/ok", status.getProviderStatus());
        ProvisionedInstance details = api.getInstanceDetails(GetInstanceDetailsRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion(REGION).setInstanceId(id).build())
                .getInstance();
        assertEquals(id, details.getId());
        assertTrue(details.hasCreatedAt());
        assertEquals(List.of(id), api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).build()).getInstancesList().stream()
                .map(ProvisionedInstance::getId).toList());

        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setRegion(REGION).setInstanceId(id)
                .build()).getStatus());
        assertEquals("/v2/instances/" + id, standIn.calls("instances.delete").get(0).path());
        assertEquals(0, standIn.liveInstances());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setInstanceId(id).build()).getStatus());
        assertErrorInfo(expect(Status.Code.NOT_FOUND, () -> api.getInstanceStatus(statusOf(id))), "NOT_FOUND",
                "REQUEST");
    }

    @Test
    void theSameRequestIdReturnsTheSameInstanceAndCreatesOnlyOnce() {
        String first = api.provisionInstance(request("idem-1").build()).getInstance().getId();
        assertEquals(first, api.provisionInstance(request("idem-1").build()).getInstance().getId());
        assertEquals(1, standIn.calls("instances.create").size());
        assertEquals(1, standIn.calls("firewalls.create").size());
        adapter.forgetCachedIds();
        api.provisionInstance(request("idem-2").build());
        assertEquals(2, standIn.liveInstances());
        assertEquals(1, standIn.calls("firewalls.create").size(), "found again by description");
        assertEquals(1, standIn.calls("sshKeys.create").size(), "found again by name");
    }

    @Test
    void throttlingIsRetriedThenUnavailableWithRetryInfo() {
        standIn.faults().inject("instances.create", Fault.THROTTLE, 1);
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, api.provisionInstance(request("t-1").build())
                .getInstance().getStatus());
        assertEquals(2, standIn.calls("instances.create").size());

        standIn.faults().inject("instances.create", Fault.THROTTLE, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(request("t-2")
                .build()));
        assertErrorInfo(e, "RATE_LIMITED", "PROVIDER");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent());
        assertTrue(e.getStatus().getDescription().contains("resets in"), e.getStatus().getDescription());
        assertEquals(1, standIn.liveInstances());
        assertNoSecret(e);
    }

    @Test
    void serverErrorsCapacityQuotaAuthBadPlanAndUnknownIds() {
        standIn.faults().inject("instances.create", Fault.SERVER_ERROR, 1);
        StatusRuntimeException e5 = expect(Status.Code.UNAVAILABLE, () -> api.provisionInstance(request("e-1")
                .build()));
        assertErrorInfo(e5, "TRANSIENT", "PROVIDER");
        assertEquals(1, standIn.calls("instances.create").size());

        standIn.faults().inject("instances.create", Fault.CAPACITY, 1);
        assertErrorInfo(expect(Status.Code.RESOURCE_EXHAUSTED, () -> api.provisionInstance(request("c-1").build())),
                "CAPACITY", "REGION");
        standIn.faults().inject("instances.create", Fault.QUOTA, 1);
        assertErrorInfo(expect(Status.Code.RESOURCE_EXHAUSTED, () -> api.provisionInstance(request("q-1").build())),
                "QUOTA", "PROVIDER");
        standIn.faults().inject("instances.get", Fault.AUTH, 1);
        StatusRuntimeException auth = expect(Status.Code.FAILED_PRECONDITION,
                () -> api.getInstanceStatus(statusOf("cb676a46-66fd-4dfb-b839-443f2e6c0b60")));
        assertErrorInfo(auth, "AUTH", "PROVIDER");
        assertNoSecret(auth);
        int creates = standIn.calls("instances.create").size();
        StatusRuntimeException bad = expect(Status.Code.INVALID_ARGUMENT,
                () -> api.provisionInstance(request("b-1").setInstanceType("vc2-2c-2gb").build()));
        assertErrorInfo(bad, "INVALID_REQUEST", "REQUEST");
        assertEquals(creates + 1, standIn.calls("instances.create").size(), "an invalid request is not retried");
        assertErrorInfo(expect(Status.Code.NOT_FOUND,
                () -> api.getInstanceStatus(statusOf("00000000-0000-0000-0000-000000000000"))), "NOT_FOUND",
                "REQUEST");
        assertEquals(0, standIn.liveInstances());
    }

    @Test
    void aStoppedInstanceIsStoppedNotTerminated() {
        String id = api.provisionInstance(request("off-1").build()).getInstance().getId();
        standIn.setPowerStatus(id, "stopped");
        assertEquals(InstanceStatus.INSTANCE_STATUS_STOPPED, api.getInstanceStatus(statusOf(id)).getStatus());
    }

    @Test
    void discoveryReadsEveryPageAndDerivesHourlyPricesFromMonthly() {
        List<DiscoveredType> types = adapter.discoverTypes("ewr");
        assertEquals(List.of("vc2-1c-1gb", "vc2-2c-4gb"), types.stream().map(DiscoveredType::name).toList());
        assertEquals(5 / 730.0, types.get(0).usdPerHour(), 1e-9);
        assertEquals(4.0, types.get(1).memoryGib());
        assertEquals(2, standIn.calls("plans.list").size(), "3 plans at 2 per page, by cursor");
        assertTrue(standIn.calls("plans.list").get(1).query().contains("cursor="));
    }

    // ---- TerminateInstance tells the truth --------------------------------------------------------------------

    static TerminateInstanceRequest.Builder terminateRequest(String id) {
        return TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_VULTR).setInstanceId(id);
    }

    @Test
    void terminateNamingAnotherRegionIsRefusedUnknownIdsAreNotFoundAndTwiceIsHarmless() {
        String id = api.provisionInstance(request("vultr-term-1").build()).getInstance().getId();
        StatusRuntimeException wrong = expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminateRequest(id).setRegion("ams").build()));
        assertRegionRefused(wrong, REGION);
        assertTrue(standIn.calls("instances.delete").isEmpty());
        assertEquals(1, standIn.liveInstances(), "still running");

        StatusRuntimeException unknown = expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(
                terminateRequest("4f0f1d2c-0000-4000-8000-000000000000").setRegion(REGION).build()));
        assertErrorInfo(unknown, "NOT_FOUND", "REQUEST");
        assertTrue(standIn.calls("instances.delete").isEmpty(), "looked up, never deleted");

        TerminateInstanceResponse done = api.terminateInstance(terminateRequest(id).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, done.getStatus());
        assertEquals(io.cloudprovisioner.api.v1.LedgerState.LEDGER_STATE_TERMINATED, done.getLedgerState());
        assertEquals(REGION, done.getRegion());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(id)
                .setRegion(REGION).setClientRequestId("vultr-term-again").build()).getStatus());
        assertEquals(1, standIn.calls("instances.delete").size(), "already terminated: no second delete");
        assertEquals(0, standIn.liveInstances());
    }

    static void assertRegionRefused(StatusRuntimeException e, String actual) {
        com.google.rpc.BadRequest br = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow();
        assertEquals("region", br.getFieldViolations(0).getField());
        assertTrue(br.getFieldViolations(0).getDescription().contains("is in region " + actual), br.toString());
    }
}

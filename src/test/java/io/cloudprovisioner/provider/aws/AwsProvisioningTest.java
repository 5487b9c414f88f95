package io.cloudprovisioner.provider.aws;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.api.GrpcTestSupport;
import io.cloudprovisioner.api.v1.Architecture;
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
import io.cloudprovisioner.harness.aws.AwsStandIn;
import io.cloudprovisioner.harness.aws.AwsStandInResource;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The AWS adapter through the gRPC API against the EC2 stand-in: the exact EC2 requests sent, the lifecycle, the
 * error mapping of every injected fault, and that every request conforms to the botocore EC2 model.
 */
@QuarkusTest
@QuarkusTestResource(value = AwsStandInResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class AwsProvisioningTest {
    static final String REGION = "us-east-1";
    static final String NEWEST_AMD64 = "ami-0aa00000000000002";
    static final String ARM64 = "ami-0bb00000000000001";

    ManagedChannel channel;
    ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api;
    AwsStandIn ec2;
    @Inject
    AwsAdapter adapter;

    /** Every log record written while a test runs, to prove the fake secret never reaches a log. */
    final List<String> logged = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final java.util.logging.Handler capture = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord r) {
            logged.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
                    + " " + (r.getThrown() == null ? "" : stackTrace(r.getThrown())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @BeforeEach
    void open() {
        capture.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger.getLogger("").addHandler(capture);
        channel = GrpcTestSupport.channel();
        api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        ec2 = AwsStandInResource.standIn();
        ec2.clearRecorded();
        ec2.faults().slowDelayMillis(1500);
    }

    @AfterEach
    void close() throws InterruptedException {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
        try {
            assertEquals(List.of(), ec2.specViolations(), "requests that break the EC2 model");
            synchronized (logged) {
                assertTrue(logged.stream().noneMatch(l -> l.contains(AwsStandInResource.SECRET_ACCESS_KEY)),
                        "the secret reached a log line");
            }
        } finally {
            GrpcTestSupport.close(channel);
        }
    }

    static ResourceSpec.Builder spec(double cpu, double mem) {
        return ResourceSpec.newBuilder().setCpu(cpu).setMemoryGb(mem).setStorageGb(20);
    }

    static ProvisionInstanceRequest.Builder request(String type, String zone, String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                .setZone(zone).setInstanceType(type).setSpec(spec(2, 4)).setClientRequestId(requestId);
    }

    List<String> operations() {
        return ec2.calls().stream().map(c -> c.operation()).toList();
    }

    Map<String, String> lastForm(String action) {
        List<Map<String, String>> f = ec2.forms(action);
        assertFalse(f.isEmpty(), "no " + action + " call");
        return f.get(f.size() - 1);
    }

    static Map<String, String> tagsFrom(Map<String, String> form, int spec) {
        Map<String, String> out = new LinkedHashMap<>();
        String p = "TagSpecification." + spec + ".Tag.";
        for (int j = 1; form.containsKey(p + j + ".Key"); j++) {
            out.put(form.get(p + j + ".Key"), form.get(p + j + ".Value"));
        }
        return out;
    }

    static Map<String, String> without(Map<String, String> form, String... prefixes) {
        return form.entrySet().stream().filter(e -> List.of(prefixes).stream().noneMatch(e.getKey()::startsWith))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    static void assertNoSecret(StatusRuntimeException e) {
        String all = e.getStatus() + " " + StatusProto.fromThrowable(e);
        assertFalse(all.contains(AwsStandInResource.SECRET_ACCESS_KEY), "secret leaked: " + all);
    }

    static void assertError(StatusRuntimeException e, String reason, String scope, String code) {
        ErrorInfo info = errorInfo(e);
        assertEquals(reason, info.getReason(), () -> e.getStatus().toString());
        assertEquals("aws", info.getMetadataOrThrow("provider"));
        assertEquals(scope, info.getMetadataOrThrow("scope"), () -> e.getStatus().toString());
        assertEquals(code, info.getMetadataOrThrow("provider_code"), () -> e.getStatus().toString());
        assertNoSecret(e);
    }

    void terminate(String id) {
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId(id)
                .build()).getStatus());
    }

    @Test
    @Order(1)
    void provisionStatusDetailsTerminateListWithExactRequests() {
        ProvisionedInstance i = api.provisionInstance(request("m6i.large", "us-east-1b", "aws-e2e-1")
                .putLabels("team", "payments").build()).getInstance();

        assertTrue(i.getId().matches("i-[0-9a-f]{17}"), i.getId());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        assertEquals("us-east-1b", i.getZone());
        assertTrue(i.getPublicIp().startsWith("203.0.113."), i.getPublicIp());
        assertTrue(i.getPrivateIp().startsWith("172.31."), i.getPrivateIp());
        assertEquals(Map.of("team", "payments", "managed-by", "cloud-provisioner", "cloudprovisioner-request-id",
                "aws-e2e-1"), i.getLabelsMap());
        assertEquals("aws-e2e-1", i.getClientRequestId());
        assertFalse(i.getSpot());
        synchronized (logged) {
            assertTrue(logged.stream().anyMatch(l -> l.contains("EC2 RunInstances")), "log capture works");
        }
        // the type's architecture, the newest matching image, the security group (found or created, opened), the
        // launch, then the waiter: pending on its first read, running on the second
        assertEquals(List.of("DescribeInstanceTypes", "DescribeImages", "DescribeSecurityGroups",
                "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "RunInstances", "DescribeInstances",
                "DescribeInstances"), operations());
        assertEquals(Set.of(REGION), new HashSet<>(ec2.signedRegions()), "every call signed for the region");

        assertEquals(Map.of("Action", "DescribeInstanceTypes", "Version", "2016-11-15", "InstanceType.1",
                "m6i.large"), lastForm("DescribeInstanceTypes"));
        assertEquals(Map.of("Action", "DescribeImages", "Version", "2016-11-15", "Owner.1", AwsStandIn.CANONICAL,
                "Filter.1.Name", "name", "Filter.1.Value.1",
                "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", "Filter.2.Name", "architecture",
                "Filter.2.Value.1", "x86_64", "Filter.3.Name", "state", "Filter.3.Value.1", "available"),
                lastForm("DescribeImages"));
        assertEquals(Map.of("Action", "DescribeSecurityGroups", "Version", "2016-11-15", "Filter.1.Name",
                "group-name", "Filter.1.Value.1", "cloud-provisioner", "Filter.2.Name", "tag:managed-by",
                "Filter.2.Value.1", "cloud-provisioner"), lastForm("DescribeSecurityGroups"));
        Map<String, String> create = lastForm("CreateSecurityGroup");
        assertEquals("cloud-provisioner", create.get("GroupName"));
        assertEquals("security-group", create.get("TagSpecification.1.ResourceType"));
        assertEquals("cloud-provisioner", tagsFrom(create, 1).get("managed-by"));
        Map<String, String> auth = lastForm("AuthorizeSecurityGroupIngress");
        String groupId = auth.get("GroupId");
        assertTrue(groupId.startsWith("sg-"), groupId);
        Set<String> rules = new HashSet<>();
        for (int p = 1; auth.containsKey("IpPermissions." + p + ".IpProtocol"); p++) {
            String pre = "IpPermissions." + p + ".";
            for (int r = 1; auth.containsKey(pre + "IpRanges." + r + ".CidrIp"); r++) {
                rules.add(auth.get(pre + "IpProtocol") + "/" + auth.get(pre + "FromPort") + "-"
                        + auth.get(pre + "ToPort") + "/" + auth.get(pre + "IpRanges." + r + ".CidrIp"));
            }
        }
        assertEquals(Set.of("tcp/22-22/203.0.113.0/24", "tcp/22-22/198.51.100.7/32", "tcp/443-443/203.0.113.0/24",
                "tcp/443-443/198.51.100.7/32"), rules, "only the configured ports, only to the configured CIDRs");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Action", "RunInstances");
        expected.put("Version", "2016-11-15");
        expected.put("ImageId", NEWEST_AMD64);
        expected.put("InstanceType", "m6i.large");
        expected.put("MinCount", "1");
        expected.put("MaxCount", "1");
        expected.put("ClientToken", "aws-e2e-1");
        expected.put("KeyName", AwsStandInResource.KEY_NAME);
        expected.put("SecurityGroupId.1", groupId);
        expected.put("Placement.AvailabilityZone", "us-east-1b");
        expected.put("BlockDeviceMapping.1.DeviceName", "/dev/sda1");
        expected.put("BlockDeviceMapping.1.Ebs.VolumeSize", "20");
        expected.put("BlockDeviceMapping.1.Ebs.VolumeType", "gp3");
        expected.put("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
        expected.put("BlockDeviceMapping.1.Ebs.Encrypted", "true");
        expected.put("MetadataOptions.HttpTokens", "required");
        expected.put("MetadataOptions.HttpEndpoint", "enabled");
        for (int s = 1; s <= 2; s++) {
            expected.put("TagSpecification." + s + ".ResourceType", s == 1 ? "instance" : "volume");
            expected.put("TagSpecification." + s + ".Tag.1.Key", "team");
            expected.put("TagSpecification." + s + ".Tag.1.Value", "payments");
            expected.put("TagSpecification." + s + ".Tag.2.Key", "managed-by");
            expected.put("TagSpecification." + s + ".Tag.2.Value", "cloud-provisioner");
            expected.put("TagSpecification." + s + ".Tag.3.Key", "cloudprovisioner-request-id");
            expected.put("TagSpecification." + s + ".Tag.3.Value", "aws-e2e-1");
        }
        assertEquals(expected, lastForm("RunInstances"), "the exact RunInstances request");
        assertEquals(Map.of("Action", "DescribeInstances", "Version", "2016-11-15", "InstanceId.1", i.getId()),
                lastForm("DescribeInstances"));

        ec2.clearRecorded();
        GetInstanceStatusResponse st = api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, st.getStatus());
        assertEquals("running", st.getProviderStatus());

        ProvisionedInstance d = api.getInstanceDetails(GetInstanceDetailsRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId(i.getId()).build())
                .getInstance();
        assertEquals(i.getId(), d.getId());
        assertEquals("m6i.large", d.getInstanceType());
        assertEquals(REGION, d.getRegion());
        assertEquals(i.getPublicIp(), d.getPublicIp());
        assertEquals(i.getLabelsMap(), d.getLabelsMap());
        assertEquals("aws-e2e-1", d.getClientRequestId());
        assertTrue(d.getCreatedAt().getSeconds() > 0, "launch time");
        assertEquals(0.096, d.getHourlyPrice().getUsdPerHour(), 1e-9, "catalog price of m6i.large in us-east-1");

        List<ProvisionedInstance> listed = api.listInstances(ListInstancesRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).putLabelSelector("team", "payments").build())
                .getInstancesList();
        assertEquals(List.of(i.getId()), listed.stream().map(ProvisionedInstance::getId).toList());
        List<Map<String, String>> lists = ec2.forms("DescribeInstances").subList(2, 4);
        for (Map<String, String> f : lists) {
            assertEquals("tag:managed-by", f.get("Filter.1.Name"));
            assertEquals("cloud-provisioner", f.get("Filter.1.Value.1"));
            assertEquals("instance-state-name", f.get("Filter.2.Name"));
            assertFalse(f.containsValue("terminated"), "terminated instances are not listed");
        }
        assertEquals(List.of(REGION, REGION, REGION, "eu-west-1"), ec2.signedRegions(),
                "ListInstances asks every configured region");

        terminate(i.getId());
        assertEquals(Map.of("Action", "TerminateInstances", "Version", "2016-11-15", "InstanceId.1", i.getId()),
                lastForm("TerminateInstances"));
        assertEquals(0, ec2.liveInstances());
        assertTrue(api.listInstances(ListInstancesRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS)
                .build()).getInstancesList().isEmpty(), "a terminated instance is no longer listed");
        GetInstanceStatusResponse after = api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, after.getStatus());
        assertEquals("terminated", after.getProviderStatus());
    }

    @Test
    @Order(2)
    void sameClientRequestIdReturnsTheSameInstanceAndTheGroupIsReused() {
        int live = ec2.liveInstances();
        ProvisionedInstance first = api.provisionInstance(request("t3.micro", "", "aws-idem-1")
                .setSpec(spec(1, 1)).build()).getInstance();
        ProvisionInstanceResponse again = api.provisionInstance(request("t3.micro", "", "aws-idem-1")
                .setSpec(spec(1, 1)).build());
        assertEquals(first.getId(), again.getInstance().getId());
        assertTrue(again.getReplayed(), "the ledger replays the recorded result");
        assertEquals(live + 1, ec2.liveInstances(), "one instance for one client request id");
        List<Map<String, String>> runs = ec2.forms("RunInstances");
        assertEquals(1, runs.size(), "a replay does not reach the cloud");
        runs.forEach(r -> assertEquals("aws-idem-1", r.get("ClientToken")));
        runs.forEach(r -> assertFalse(r.containsKey("Placement.AvailabilityZone"), "no zone asked: EC2 chooses"));
        assertEquals("us-east-1a", first.getZone());
        assertFalse(operations().contains("DescribeSecurityGroups") || operations().contains("CreateSecurityGroup")
                || operations().contains("DescribeImages"), "group and image are cached per region: " + operations());
        assertTrue(runs.get(0).get("SecurityGroupId.1").startsWith("sg-"), "the cached group is still attached");
        terminate(first.getId());
        assertEquals(live, ec2.liveInstances());
    }

    @Test
    void spotOnlyWhenSpecAndPreferencesAllowIt() {
        ProvisionedInstance spot = api.provisionInstance(request("m5.large", "", "aws-spot-1")
                .setSpec(spec(2, 4).setAllowSpot(true))
                .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(true)).build()).getInstance();
        Map<String, String> run = lastForm("RunInstances");
        assertEquals("spot", run.get("InstanceMarketOptions.MarketType"));
        assertEquals("one-time", run.get("InstanceMarketOptions.SpotOptions.SpotInstanceType"));
        assertEquals("terminate", run.get("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"));
        assertEquals(3, without(run, "Action", "Version", "ImageId", "InstanceType", "MinCount", "MaxCount",
                "ClientToken", "KeyName", "SecurityGroupId", "BlockDeviceMapping", "MetadataOptions",
                "TagSpecification").size(), "spot options only: " + run);
        assertTrue(spot.getSpot());

        ec2.clearRecorded();
        ProvisionedInstance onDemand = api.provisionInstance(request("m5.large", "", "aws-spot-2")
                .setSpec(spec(2, 4).setAllowSpot(true))
                .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(false)).build()).getInstance();
        assertTrue(lastForm("RunInstances").keySet().stream().noneMatch(k -> k.startsWith("InstanceMarketOptions")));
        assertFalse(onDemand.getSpot());
        terminate(spot.getId());
        terminate(onDemand.getId());
    }

    @Test
    void teeUsesNitroEnclavesOnGravitonWithTheArmImage() {
        ProvisionedInstance i = api.provisionInstance(request("m7g.large", "", "aws-tee-1")
                .setSpec(spec(2, 4).setRequireTee(true).setArchitecture(Architecture.ARCHITECTURE_ARM64)).build())
                .getInstance();
        Map<String, String> run = lastForm("RunInstances");
        assertEquals("true", run.get("EnclaveOptions.Enabled"));
        assertFalse(run.containsKey("CpuOptions.AmdSevSnp"));
        if (operations().contains("DescribeImages")) {
            assertEquals("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*",
                    lastForm("DescribeImages").get("Filter.1.Value.1"));
        }
        assertEquals(ARM64, run.get("ImageId"));
        terminate(i.getId());
    }

    @Test
    void teeUsesAmdSevSnpWhereEc2ReportsIt() {
        ProvisionedInstance i = api.provisionInstance(request("c6a.large", "", "aws-tee-2")
                .setSpec(spec(2, 4).setRequireTee(true)).build()).getInstance();
        Map<String, String> run = lastForm("RunInstances");
        assertEquals("enabled", run.get("CpuOptions.AmdSevSnp"));
        assertFalse(run.containsKey("EnclaveOptions.Enabled"));
        assertEquals(NEWEST_AMD64, run.get("ImageId"));
        terminate(i.getId());
    }

    @Test
    void throttlingIsRetriedThenSucceeds() {
        int live = ec2.liveInstances();
        ec2.faults().inject("RunInstances", Fault.THROTTLE, 2);
        ProvisionedInstance i = api.provisionInstance(request("m6i.large", "", "aws-throttle-1").build())
                .getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, i.getStatus());
        List<Map<String, String>> runs = ec2.forms("RunInstances");
        assertEquals(3, runs.size(), "two throttled attempts, then success");
        runs.forEach(r -> assertEquals("aws-throttle-1", r.get("ClientToken"), "retries keep the idempotency token"));
        assertEquals(live + 1, ec2.liveInstances(), "one instance despite three attempts");
        terminate(i.getId());
    }

    @Test
    void throttlingExhaustedIsUnavailableWithRetryInfo() {
        int live = ec2.liveInstances();
        ec2.faults().inject("RunInstances", Fault.THROTTLE, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                () -> api.provisionInstance(request("m6i.large", "", "aws-throttle-2").build()));
        assertError(e, "RATE_LIMITED", "REGION", "RequestLimitExceeded");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent(), "RetryInfo");
        assertEquals(4, ec2.forms("RunInstances").size(), "first attempt + fault-tolerance max-retries 3");
        assertEquals(live, ec2.liveInstances());
    }

    @Test
    void serverErrorExhaustedIsUnavailableTransient() {
        ec2.faults().inject("RunInstances", Fault.SERVER_ERROR, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                () -> api.provisionInstance(request("m6i.large", "", "aws-5xx-1").build()));
        assertError(e, "TRANSIENT", "REGION", "InternalError");
        assertTrue(GrpcTestSupport.detail(e, RetryInfo.class).isPresent(), "RetryInfo");
        assertEquals(4, ec2.forms("RunInstances").size());
    }

    @Test
    void capacityInAZoneIsResourceExhaustedForTheZoneAndNotRetried() {
        int live = ec2.liveInstances();
        ec2.faults().inject("RunInstances", Fault.CAPACITY, 1);
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("m6i.large", "us-east-1c", "aws-cap-1").build()));
        assertError(e, "CAPACITY", "ZONE", "InsufficientInstanceCapacity");
        assertEquals(1, ec2.forms("RunInstances").size(), "capacity errors are not retried in place");

        ec2.faults().inject("RunInstances", Fault.CAPACITY, 1);
        StatusRuntimeException r = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("m6i.large", "", "aws-cap-2").build()));
        assertError(r, "CAPACITY", "REGION", "InsufficientInstanceCapacity");
        assertEquals(live, ec2.liveInstances());
    }

    @Test
    void anInstanceTerminatedWhileLaunchingIsCapacityForTheZone() {
        ec2.failNextLaunch("Server.InsufficientInstanceCapacity");
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("m6i.large", "us-east-1d", "aws-cap-3").build()));
        assertError(e, "CAPACITY", "ZONE", "Server.InsufficientInstanceCapacity");
        assertEquals(List.of("RunInstances", "DescribeInstances", "DescribeInstances"), operations().stream()
                .filter(o -> o.equals("RunInstances") || o.equals("DescribeInstances")).toList(),
                "the waiter stops at the failure state, then one read for the reason");
    }

    @Test
    void quotaIsResourceExhaustedForTheRegion() {
        ec2.faults().inject("RunInstances", Fault.QUOTA, 1);
        StatusRuntimeException e = expect(Status.Code.RESOURCE_EXHAUSTED,
                () -> api.provisionInstance(request("m6i.large", "", "aws-quota-1").build()));
        assertError(e, "QUOTA", "REGION", "InstanceLimitExceeded");
        assertEquals(1, ec2.forms("RunInstances").size());
    }

    @Test
    void authFailureIsFailedPreconditionWithoutTheSecret() {
        ec2.faults().inject("RunInstances", Fault.AUTH, 1);
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION,
                () -> api.provisionInstance(request("m6i.large", "", "aws-auth-1").build()));
        // HttpURLConnection does not hand a streamed POST's 401 body to the SDK: the class comes from the status
        assertError(e, "AUTH", "PROVIDER", errorInfo(e).getMetadataOrThrow("provider_code"));
        assertTrue(List.of("AuthFailure", "").contains(errorInfo(e).getMetadataOrThrow("provider_code")));
        assertEquals(1, ec2.forms("RunInstances").size(), "refused credentials are not retried");

        ec2.faults().inject("DescribeInstances", Fault.AUTH, 1);
        StatusRuntimeException s = expect(Status.Code.FAILED_PRECONDITION,
                () -> api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                        .setInstanceId("i-0123456789abcdef0").build()));
        assertError(s, "AUTH", "PROVIDER", errorInfo(s).getMetadataOrThrow("provider_code"));
    }

    @Test
    void unknownInstanceIsNotFoundAndTerminatingItToo() {
        StatusRuntimeException e = expect(Status.Code.NOT_FOUND,
                () -> api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                        .setInstanceId("i-0123456789abcdef0").build()));
        assertError(e, "NOT_FOUND", "REQUEST", "InvalidInstanceID.NotFound");
        expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId("i-0123456789abcdef0")
                .build()));
        assertEquals(List.of("DescribeInstances", "DescribeInstances"), operations(), "NotFound is not retried");
    }

    @Test
    void malformedInstanceIdIsInvalidArgument() {
        int before = ec2.forms("DescribeInstances").size();
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT,
                () -> api.getInstanceDetails(GetInstanceDetailsRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION).setInstanceId("vm-42")
                        .build()));
        assertError(e, "INVALID_REQUEST", "REQUEST", "InvalidInstanceID.Malformed");
        assertEquals(before + 1, ec2.forms("DescribeInstances").size(), "an invalid request is not retried");
    }

    @Test
    void slowAnswersBeyondTheReadTimeoutAreUnavailableAndShortDelaysAreTolerated() {
        ec2.faults().slowDelayMillis(300);
        ec2.faults().inject("DescribeInstances", Fault.SLOW, 1);
        StatusRuntimeException nf = expect(Status.Code.NOT_FOUND,
                () -> api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                        .setInstanceId("i-0123456789abcdef1").build()));
        assertEquals("NOT_FOUND", errorInfo(nf).getReason(), "a short delay is just a slow answer");

        ec2.clearRecorded();
        ec2.faults().slowDelayMillis(3500);
        ec2.faults().inject("DescribeInstances", Fault.SLOW, 4);
        StatusRuntimeException e = expect(Status.Code.UNAVAILABLE,
                () -> api.getInstanceStatus(GetInstanceStatusRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setRegion(REGION)
                        .setInstanceId("i-0123456789abcdef1").build()));
        ErrorInfo info = errorInfo(e);
        assertEquals("TRANSIENT", info.getReason());
        assertEquals("aws", info.getMetadataOrThrow("provider"));
        assertEquals("REGION", info.getMetadataOrThrow("scope"));
        assertNoSecret(e);
        assertEquals(4, ec2.forms("DescribeInstances").size(), "each timed-out attempt retried, bounded");
    }

    @Test
    void discoverTypesPagesThroughDescribeInstanceTypes() {
        List<DiscoveredType> types = adapter.discoverTypes(REGION);
        List<String> names = types.stream().map(DiscoveredType::name).toList();
        assertTrue(names.containsAll(List.of("c6a.large", "g5.xlarge", "m5.large", "m6i.large", "m7g.large",
                "t3.micro")), "the hand-written types are listed");
        assertTrue(names.size() > 1000, "every EC2 type of the catalog is listed: " + names.size());
        assertEquals(names.size(), new java.util.HashSet<>(names).size(), "no duplicates across pages");
        DiscoveredType g5 = types.stream().filter(t -> t.name().equals("g5.xlarge")).findFirst().orElseThrow();
        assertEquals(4, g5.vcpus());
        assertEquals(16, g5.memoryGib());
        assertEquals(1, g5.gpuCount());
        assertTrue(Double.isNaN(g5.usdPerHour()), "EC2 quotes no price");
        List<Map<String, String>> pages = ec2.forms("DescribeInstanceTypes");
        assertTrue(pages.size() > 2, "the SDK paginator followed nextToken: " + pages.size());
        assertFalse(pages.get(0).containsKey("NextToken"));
        for (Map<String, String> page : pages.subList(1, pages.size())) {
            assertNotEquals(null, page.get("NextToken"));
        }
    }

    // ---- TerminateInstance tells the truth --------------------------------------------------------------------

    TerminateInstanceRequest.Builder terminateRequest(String id) {
        return TerminateInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_AWS).setInstanceId(id);
    }

    @Test
    void terminateNamingAnotherRegionIsRefusedAndTheInstanceKeepsRunning() {
        ProvisionedInstance i = api.provisionInstance(request("m6i.large", "", "aws-term-region").build())
                .getInstance();
        int live = ec2.liveInstances();
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(
                terminateRequest(i.getId()).setRegion("eu-west-1").build()));
        assertRegionRefused(e, REGION);
        assertTrue(ec2.forms("TerminateInstances").isEmpty(), "nothing asked of EC2");
        assertEquals(live, ec2.liveInstances(), "still running");
        // Region left empty: the ledger's. EC2 answers shutting-down: confirmed.
        TerminateInstanceResponse r = api.terminateInstance(terminateRequest(i.getId()).build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, r.getStatus());
        assertEquals(LedgerState.LEDGER_STATE_TERMINATED, r.getLedgerState());
        assertEquals("shutting-down", r.getProviderStatus());
        assertEquals(REGION, r.getRegion());
        assertEquals(List.of(REGION), ec2.signedRegions().subList(ec2.signedRegions().size() - 1,
                ec2.signedRegions().size()), "asked in the instance's own region");
    }

    @Test
    void terminatingAnIdEc2DoesNotKnowInTheRegionIsNotFound() {
        for (String region : List.of(REGION, "eu-west-1")) {
            StatusRuntimeException e = expect(Status.Code.NOT_FOUND, () -> api.terminateInstance(
                    terminateRequest("i-0123456789abcdef0").setRegion(region).setClientRequestId("aws-term-unknown")
                            .build()));
            assertError(e, "NOT_FOUND", "REQUEST", "InvalidInstanceID.NotFound");
        }
        assertTrue(ec2.forms("TerminateInstances").isEmpty(), "looked up with DescribeInstances, never deleted");
        expect(Status.Code.INVALID_ARGUMENT, () -> api.terminateInstance(terminateRequest("i-0123456789abcdef0")
                .build()));
    }

    @Test
    void terminatingTwiceIsHarmlessAndAsksEc2Once() {
        ProvisionedInstance i = api.provisionInstance(request("m6i.large", "", "aws-term-twice").build())
                .getInstance();
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(i.getId())
                .setRegion(REGION).setClientRequestId("aws-term-twice-1").build()).getStatus());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, api.terminateInstance(terminateRequest(i.getId())
                .setRegion(REGION).setClientRequestId("aws-term-twice-1").build()).getStatus());
        TerminateInstanceResponse again = api.terminateInstance(terminateRequest(i.getId()).setRegion(REGION)
                .setClientRequestId("aws-term-twice-2").build());
        assertEquals(InstanceStatus.INSTANCE_STATUS_TERMINATED, again.getStatus());
        assertEquals(LedgerState.LEDGER_STATE_TERMINATED, again.getLedgerState());
        assertEquals(1, ec2.forms("TerminateInstances").size(), "already terminated: no second TerminateInstances");
    }

    static void assertRegionRefused(StatusRuntimeException e, String actual) {
        com.google.rpc.BadRequest br = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow();
        assertEquals("region", br.getFieldViolations(0).getField());
        assertTrue(br.getFieldViolations(0).getDescription().contains("is in region " + actual), br.toString());
    }
}

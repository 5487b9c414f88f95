package io.cloudprovisioner.api;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.AutoDeployRequest;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health, reflection (v1 and v1alpha, as older grpcurl builds speak) including the google.rpc error types, the
 * not-yet-built RPCs, and what the server does with requests that are not what a method expects: bytes that do not
 * parse, several messages or none on a unary call, messages over the inbound limit, and requests so wrong that the
 * list of their violations must be cut short.
 */
@QuarkusTest
public class ServerConventionsTest {
    static final Set<String> OUR_SERVICES = Set.of("cloudprovisioner.v1.CatalogService",
            "cloudprovisioner.v1.ProvisioningService", "cloudprovisioner.v1.BlueprintService");
    ManagedChannel channel;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    @Test
    void healthServing() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
    }

    @Test
    void reflectionV1ListsOurServices() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        var req = io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build();
        StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> out = io.grpc.reflection.v1.ServerReflectionGrpc
                .newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new Reply<>(names, r -> r.getListServicesResponse().getServiceList()
                        .stream().map(io.grpc.reflection.v1.ServiceResponse::getName).toList()));
        out.onNext(req);
        out.onCompleted();
        assertTrue(names.get(10, TimeUnit.SECONDS).containsAll(OUR_SERVICES), names.get().toString());
    }

    @Test
    void reflectionV1alphaListsOurServices() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        var req = io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> out =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .serverReflectionInfo(new Reply<>(names, r -> r.getListServicesResponse().getServiceList()
                                .stream().map(io.grpc.reflection.v1alpha.ServiceResponse::getName).toList()));
        out.onNext(req);
        out.onCompleted();
        assertTrue(names.get(10, TimeUnit.SECONDS).containsAll(OUR_SERVICES), names.get().toString());
    }

    @Test
    void provisioningWithoutCredentialsNamesTheEnvironmentToSet() {
        StatusRuntimeException e = expect(Status.Code.FAILED_PRECONDITION, () -> ProvisioningServiceGrpc
                .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .provisionInstance(ProvisionInstanceRequest.newBuilder()
                        .setProvider(io.cloudprovisioner.api.v1.CloudProvider.CLOUD_PROVIDER_VULTR).setRegion("ewr")
                        .setInstanceType("vc2-1c-1gb").build()));
        assertTrue(e.getStatus().getDescription().contains("VULTR_API_KEY"), e.getStatus().getDescription());
        assertEquals("PROVIDER_NOT_CONFIGURED", errorInfo(e).getReason());
    }

    @Test
    void provisioningValidatesEveryField() {
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> ProvisioningServiceGrpc
                .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .provisionInstance(ProvisionInstanceRequest.newBuilder()
                        .setProvider(io.cloudprovisioner.api.v1.CloudProvider.CLOUD_PROVIDER_AWS).setRegion("us-east-1")
                        .setZone("Zone A").setClientRequestId("has spaces!").putLabels("Bad Key", "v")
                        .putLabels("managed-by", "me").build()));
        java.util.Set<String> fields = new java.util.HashSet<>(GrpcTestSupport.violatedFields(e));
        assertTrue(fields.containsAll(java.util.Set.of("zone", "spec", "client_request_id", "labels[Bad Key]",
                "labels[managed-by]")), fields.toString());
    }

    @Test
    void autoDeployStreamAnswersUnimplemented() {
        StatusRuntimeException e = expect(Status.Code.UNIMPLEMENTED, () -> {
            var it = BlueprintServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .autoDeploy(AutoDeployRequest.getDefaultInstance());
            List<Object> all = new ArrayList<>();
            it.forEachRemaining(all::add);
            return all;
        });
        assertEquals("DEPLOYMENT_MISSING", errorInfo(e).getReason());
        // what is missing is deployment alone: provisioning and the ledger are built
        assertEquals("deployment", errorInfo(e).getMetadataOrThrow("missing"));
        assertTrue(e.getStatus().getDescription().contains("ProvisioningService (ProvisionInstance"),
                e.getStatus().getDescription());
        assertTrue(!e.getStatus().getDescription().contains("ledger"), e.getStatus().getDescription());
    }

    static final String MAP_INSTANCE_TYPE = "cloudprovisioner.v1.CatalogService/MapInstanceType";
    /** The error types the API sends in grpc-status-details-bin, which reflection clients must be able to decode. */
    static final List<String> ERROR_TYPES = List.of("google.rpc.Status", "google.rpc.BadRequest", "google.rpc.ErrorInfo",
            "google.rpc.PreconditionFailure", "google.rpc.QuotaFailure", "google.rpc.RetryInfo",
            "google.rpc.ResourceInfo");

    static RawGrpc.Outcome raw(ManagedChannel channel, String method, byte[]... messages) {
        return RawGrpc.call(channel, RawGrpc.method(method, io.grpc.MethodDescriptor.MethodType.UNARY), 10_000,
                messages);
    }

    static com.google.rpc.Status details(RawGrpc.Outcome o) {
        com.google.rpc.Status s = io.grpc.protobuf.StatusProto.fromStatusAndTrailers(o.status(), o.trailers());
        assertNotNull(s, "no grpc-status-details-bin in " + o.status());
        return s;
    }

    static com.google.rpc.ErrorInfo rawErrorInfo(RawGrpc.Outcome o) throws Exception {
        for (com.google.protobuf.Any a : details(o).getDetailsList()) {
            if (a.is(com.google.rpc.ErrorInfo.class)) {
                return a.unpack(com.google.rpc.ErrorInfo.class);
            }
        }
        throw new AssertionError("no ErrorInfo in " + o.status());
    }

    /** A valid MapInstanceTypeRequest plus an unknown bytes field (number 1000) of {@code padding} bytes. */
    static byte[] paddedRequest(int padding) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(padding + 64);
        com.google.protobuf.CodedOutputStream c = com.google.protobuf.CodedOutputStream.newInstance(out);
        MapInstanceTypeRequest.newBuilder().setRegion("us-east-1").build().writeTo(c);
        c.writeByteArray(1000, new byte[padding]);
        c.flush();
        return out.toByteArray();
    }

    @Test
    void bytesThatDoNotParseAreInvalidArgumentNamingTheMessage() throws Exception {
        // field 2 (region), length 127, but only one byte follows
        RawGrpc.Outcome o = raw(channel, MAP_INSTANCE_TYPE, new byte[] {0x12, 0x7f, 'a'});
        assertEquals(Status.Code.INVALID_ARGUMENT, o.code(), o.status().toString());
        assertTrue(o.status().getDescription().startsWith(
                "request is not a valid cloudprovisioner.v1.MapInstanceTypeRequest: "), o.status().getDescription());
        assertTrue(o.status().getDescription().length() < 400, o.status().getDescription());
        assertEquals("MALFORMED_REQUEST", rawErrorInfo(o).getReason());
        assertEquals(MAP_INSTANCE_TYPE, rawErrorInfo(o).getMetadataOrThrow("method"));
    }

    @Test
    void boundaryDurationsAreInvalidArgumentNotInternal() {
        // found by the fuzz: a grace of Long.MAX_VALUE seconds overflowed java.time.Duration (INTERNAL)
        var api = ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        for (com.google.protobuf.Duration grace : List.of(
                com.google.protobuf.Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999).build(),
                com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(2_000_000_000).build(),
                com.google.protobuf.Duration.newBuilder().setSeconds(3651L * 86400).build(),
                com.google.protobuf.Duration.newBuilder().setSeconds(-1).build())) {
            StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> api.reconcile(
                    io.cloudprovisioner.api.v1.ReconcileRequest.newBuilder().setDryRun(true).setGrace(grace).build()));
            assertEquals(List.of("grace"), GrpcTestSupport.violatedFields(e), grace.toString());
        }
    }

    @Test
    void invalidUtf8InAStringIsInvalidArgument() throws Exception {
        // field 2 (region, a proto3 string): 0xC3 0x28 is not UTF-8
        RawGrpc.Outcome o = raw(channel, MAP_INSTANCE_TYPE, new byte[] {0x12, 0x02, (byte) 0xC3, 0x28});
        assertEquals(Status.Code.INVALID_ARGUMENT, o.code(), o.status().toString());
        assertTrue(o.status().getDescription().contains("UTF-8"), o.status().getDescription());
        assertEquals("MALFORMED_REQUEST", rawErrorInfo(o).getReason());
    }

    @Test
    void aUnaryCallWithTwoMessagesOrNoneIsInvalidArgument() throws Exception {
        byte[] valid = MapInstanceTypeRequest.newBuilder().setRegion("us-east-1").build().toByteArray();
        RawGrpc.Outcome two = raw(channel, MAP_INSTANCE_TYPE, valid, valid);
        assertEquals(Status.Code.INVALID_ARGUMENT, two.code(), two.status().toString());
        assertEquals("MALFORMED_REQUEST", rawErrorInfo(two).getReason());
        RawGrpc.Outcome none = raw(channel, MAP_INSTANCE_TYPE);
        assertEquals(Status.Code.INVALID_ARGUMENT, none.code(), none.status().toString());
        assertEquals("MALFORMED_REQUEST", rawErrorInfo(none).getReason());
    }

    @Test
    void messagesUpToTheInboundLimitAreRead() throws Exception {
        // 1 MiB: over Vert.x's own default (256 KiB), under the configured 4 MiB; it parses and reaches validation
        RawGrpc.Outcome o = raw(channel, MAP_INSTANCE_TYPE, paddedRequest(1 << 20));
        assertEquals(Status.Code.INVALID_ARGUMENT, o.code(), o.status().toString());
        assertEquals("INVALID_ARGUMENT", rawErrorInfo(o).getReason());
    }

    @Test
    void messagesOverTheInboundLimitAreResourceExhausted() throws Exception {
        RawGrpc.Outcome o = raw(channel, MAP_INSTANCE_TYPE, paddedRequest(4 << 20));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, o.code(), o.status().toString());
        healthServing();
    }

    @Test
    void hundredsOfInvalidEntriesGiveABoundedReadableAnswer() {
        io.cloudprovisioner.api.v1.ResourceSpec.Builder spec = io.cloudprovisioner.api.v1.ResourceSpec.newBuilder()
                .setCpu(2).setMemoryGb(4).setRequireTee(true);
        for (int i = 0; i < 500; i++) {
            spec.addTeeTechnologiesValue(900 + i);
        }
        // a stub at grpc-java's default limits (8 KiB of metadata): an unbounded trailer would fail on this side
        StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> CatalogServiceGrpc
                .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .mapInstanceType(MapInstanceTypeRequest.newBuilder()
                        .setProvider(io.cloudprovisioner.api.v1.CloudProvider.CLOUD_PROVIDER_AWS)
                        .setRegion("us-east-1").setSpec(spec).build()));
        com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
        assertNotNull(status);
        assertTrue(status.getSerializedSize() < 4096, "status of " + status.getSerializedSize() + " bytes");
        var violations = GrpcTestSupport.detail(e, com.google.rpc.BadRequest.class).orElseThrow()
                .getFieldViolationsList();
        assertEquals(ApiErrors.MAX_VIOLATIONS + 1, violations.size());
        assertEquals("spec.tee_technologies[0]", violations.get(0).getField());
        assertEquals("480 more violations are not listed", violations.get(ApiErrors.MAX_VIOLATIONS).getDescription());
        assertTrue(e.getStatus().getDescription().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                <= ApiErrors.MAX_MESSAGE_BYTES, e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().matches("invalid request: spec.tee_technologies\\[0\\]: .*; and \\d+ more"),
                e.getStatus().getDescription());
    }

    @Test
    void reflectionV1ServesTheErrorTypes() throws Exception {
        for (String symbol : ERROR_TYPES) {
            Map<String, com.google.protobuf.DescriptorProtos.FileDescriptorProto> files = new java.util.HashMap<>();
            collect(files, v1(channel, io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol(symbol).build()));
            assertDecodes(symbol, files, name -> v1(channel, io.grpc.reflection.v1.ServerReflectionRequest
                    .newBuilder().setFileByFilename(name).build()));
        }
    }

    @Test
    void reflectionV1alphaServesTheErrorTypes() throws Exception {
        for (String symbol : ERROR_TYPES) {
            Map<String, com.google.protobuf.DescriptorProtos.FileDescriptorProto> files = new java.util.HashMap<>();
            collect(files, v1alpha(channel, io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol(symbol).build()));
            assertDecodes(symbol, files, name -> v1alpha(channel, io.grpc.reflection.v1alpha.ServerReflectionRequest
                    .newBuilder().setFileByFilename(name).build()));
        }
    }

    /**
     * Builds the symbol's descriptor from what reflection served (asking for missing dependencies by file name, as
     * grpcurl does) and decodes a real error's detail of that type with it, when the API sends one here.
     */
    void assertDecodes(String symbol, Map<String, com.google.protobuf.DescriptorProtos.FileDescriptorProto> files,
            java.util.function.Function<String, List<com.google.protobuf.ByteString>> byName) throws Exception {
        com.google.protobuf.DescriptorProtos.FileDescriptorProto holder = files.values().stream()
                .filter(f -> f.getMessageTypeList().stream()
                        .anyMatch(m -> (f.getPackage() + "." + m.getName()).equals(symbol)))
                .findFirst().orElseThrow(() -> new AssertionError(symbol + " not in " + files.keySet()));
        com.google.protobuf.Descriptors.FileDescriptor fd = build(holder.getName(), files, byName);
        com.google.protobuf.Descriptors.Descriptor type = fd.findMessageTypeByName(
                symbol.substring(symbol.lastIndexOf('.') + 1));
        assertNotNull(type, symbol);
        if (symbol.equals("google.rpc.BadRequest")) {
            StatusRuntimeException e = expect(Status.Code.INVALID_ARGUMENT, () -> CatalogServiceGrpc
                    .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .mapInstanceType(MapInstanceTypeRequest.getDefaultInstance()));
            com.google.protobuf.Any any = io.grpc.protobuf.StatusProto.fromThrowable(e).getDetailsList().stream()
                    .filter(a -> a.getTypeUrl().endsWith("/" + symbol)).findFirst().orElseThrow();
            com.google.protobuf.DynamicMessage m = com.google.protobuf.DynamicMessage.parseFrom(type, any.getValue());
            assertTrue(m.toString().contains("field_violations"), m.toString());
        }
    }

    static com.google.protobuf.Descriptors.FileDescriptor build(String name,
            Map<String, com.google.protobuf.DescriptorProtos.FileDescriptorProto> files,
            java.util.function.Function<String, List<com.google.protobuf.ByteString>> byName) throws Exception {
        if (!files.containsKey(name)) {
            collect(files, byName.apply(name));
        }
        com.google.protobuf.DescriptorProtos.FileDescriptorProto p = files.get(name);
        assertNotNull(p, "reflection did not serve " + name);
        List<com.google.protobuf.Descriptors.FileDescriptor> deps = new ArrayList<>();
        for (String d : p.getDependencyList()) {
            deps.add(build(d, files, byName));
        }
        return com.google.protobuf.Descriptors.FileDescriptor.buildFrom(p,
                deps.toArray(new com.google.protobuf.Descriptors.FileDescriptor[0]));
    }

    static void collect(Map<String, com.google.protobuf.DescriptorProtos.FileDescriptorProto> into,
            List<com.google.protobuf.ByteString> served) throws Exception {
        for (com.google.protobuf.ByteString b : served) {
            com.google.protobuf.DescriptorProtos.FileDescriptorProto f =
                    com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(b);
            into.put(f.getName(), f);
        }
    }

    static List<com.google.protobuf.ByteString> v1(ManagedChannel channel,
            io.grpc.reflection.v1.ServerReflectionRequest req) {
        CompletableFuture<List<com.google.protobuf.ByteString>> out = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> s = io.grpc.reflection.v1.ServerReflectionGrpc
                .newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(new Reply<>(out,
                        r -> r.hasErrorResponse() ? List.of()
                                : r.getFileDescriptorResponse().getFileDescriptorProtoList()));
        s.onNext(req);
        s.onCompleted();
        return out.join();
    }

    static List<com.google.protobuf.ByteString> v1alpha(ManagedChannel channel,
            io.grpc.reflection.v1alpha.ServerReflectionRequest req) {
        CompletableFuture<List<com.google.protobuf.ByteString>> out = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> s =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .serverReflectionInfo(new Reply<>(out, r -> r.hasErrorResponse() ? List.of()
                                : r.getFileDescriptorResponse().getFileDescriptorProtoList()));
        s.onNext(req);
        s.onCompleted();
        return out.join();
    }

    /** The first response of a reflection stream, read with {@code read}. */
    static final class Reply<T, V> implements StreamObserver<T> {
        private final CompletableFuture<V> done;
        private final java.util.function.Function<T, V> read;

        Reply(CompletableFuture<V> done, java.util.function.Function<T, V> read) {
            this.done = done;
            this.read = read;
        }

        @Override
        public void onNext(T value) {
            done.complete(read.apply(value));
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.completeExceptionally(new AssertionError("reflection answered nothing"));
        }
    }
}

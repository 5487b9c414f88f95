package io.cloudprovisioner.api;

import static io.cloudprovisioner.api.GrpcTestSupport.errorInfo;
import static io.cloudprovisioner.api.GrpcTestSupport.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.AutoDeployRequest;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health, reflection (v1 and v1alpha, as older grpcurl builds speak), and the not-yet-built RPCs. */
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
                .serverReflectionInfo(new Collect<>(names, r -> r.getListServicesResponse().getServiceList()
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
                        .serverReflectionInfo(new Collect<>(names, r -> r.getListServicesResponse().getServiceList()
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

    /** Collects the first response of a reflection stream. */
    static final class Collect<T> implements StreamObserver<T> {
        private final CompletableFuture<List<String>> done;
        private final java.util.function.Function<T, List<String>> read;

        Collect(CompletableFuture<List<String>> done, java.util.function.Function<T, List<String>> read) {
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
            done.complete(List.of());
        }
    }
}

package io.cloudprovisioner.api;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A plain loopback channel to the service under test (the same in @QuarkusTest and against the packaged app), and
 * helpers to read google.rpc error details the way any client would.
 */
public final class GrpcTestSupport {
    /**
     * The port of the service under test: chosen free at start (application.properties, %test), published by Quarkus
     * as {@code quarkus.http.test-port} for @QuarkusTest and for the packaged app under @QuarkusIntegrationTest.
     */
    public static int port() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.test-port", Integer.class).orElse(0);
        if (port <= 0) {
            throw new IllegalStateException("the service under test has not published its port yet");
        }
        return port;
    }

    private GrpcTestSupport() {
    }

    public static ManagedChannel channel() {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    }

    public static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    public static StatusRuntimeException expect(Status.Code code, Supplier<?> call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(code, e.getStatus().getCode(), () -> "status was " + e.getStatus());
        return e;
    }

    public static <T extends com.google.protobuf.Message> Optional<T> detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        if (s == null) {
            return Optional.empty();
        }
        for (Any a : s.getDetailsList()) {
            if (a.is(type)) {
                try {
                    return Optional.of(a.unpack(type));
                } catch (InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        return Optional.empty();
    }

    public static List<String> violatedFields(StatusRuntimeException e) {
        return detail(e, BadRequest.class).orElseThrow(() -> new AssertionError("no BadRequest detail: " + e))
                .getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList();
    }

    public static ErrorInfo errorInfo(StatusRuntimeException e) {
        return detail(e, ErrorInfo.class).orElseThrow(() -> new AssertionError("no ErrorInfo detail: " + e));
    }

    public static PreconditionFailure preconditionFailure(StatusRuntimeException e) {
        return detail(e, PreconditionFailure.class)
                .orElseThrow(() -> new AssertionError("no PreconditionFailure detail: " + e));
    }
}

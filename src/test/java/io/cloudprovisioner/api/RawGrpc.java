package io.cloudprovisioner.api;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls any method with raw bytes as its request messages (a grpc-java channel with a byte[] marshaller), the way a
 * broken or hostile client can: payloads that do not parse, several messages on a unary call, or none.
 */
public final class RawGrpc {
    /** Bytes in, bytes out: what goes on the wire is exactly what the caller gives. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawGrpc() {
    }

    /** How a raw call ended: its status, trailers and the response messages it carried. */
    public record Outcome(Status status, Metadata trailers, List<byte[]> responses) {
        public Status.Code code() {
            return status.getCode();
        }
    }

    public static MethodDescriptor<byte[], byte[]> method(String fullMethodName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setFullMethodName(fullMethodName).setType(type)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    /** Sends {@code messages} (possibly none) as the request stream, half-closes, and waits for the close. */
    public static Outcome call(Channel channel, MethodDescriptor<byte[], byte[]> method, long timeoutMs,
            byte[]... messages) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        List<byte[]> responses = new ArrayList<>();
        ClientCall<byte[], byte[]> call = channel.newCall(method,
                CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                synchronized (responses) {
                    responses.add(message);
                }
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                synchronized (responses) {
                    done.complete(new Outcome(status, trailers, List.copyOf(responses)));
                }
            }
        }, new Metadata());
        call.request(1);
        for (byte[] m : messages) {
            call.sendMessage(m);
        }
        call.halfClose();
        try {
            return done.get(timeoutMs + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            call.cancel("no close within the deadline", e);
            throw new IllegalStateException(method.getFullMethodName() + ": the call did not close", e);
        }
    }
}

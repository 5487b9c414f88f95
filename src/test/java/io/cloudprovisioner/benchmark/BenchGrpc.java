package io.cloudprovisioner.benchmark;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Plain grpc-java plumbing shared by the gRPC benchmarks. Loopback only. */
final class BenchGrpc {
    private BenchGrpc() {
    }

    /** A plaintext channel to a loopback address; refuses any other host. */
    static ManagedChannel channel(String host, int port) {
        requireLoopback(host);
        return NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor().build();
    }

    static void requireLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("the benchmarks only talk to loopback addresses, not " + host);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve " + host, e);
        }
    }

    /** One health check (overall server status, service ""); false on any RPC failure. */
    static boolean serving(ManagedChannel ch, long deadlineMillis) {
        try {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(deadlineMillis,
                    TimeUnit.MILLISECONDS).check(HealthCheckRequest.newBuilder().setService("").build());
            return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    /** True when something accepts TCP connections on host:port. */
    static boolean listening(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code n} distinct free loopback ports (held open together while choosing, so they differ). */
    static List<Integer> freePorts(int n) throws IOException {
        return io.cloudprovisioner.harness.AppProcess.freePorts(n);
    }

    static void shutdown(ManagedChannel ch) {
        ch.shutdownNow();
        try {
            ch.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

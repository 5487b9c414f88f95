package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ProviderInfo;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.harness.AppProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every RPC of the API (found by reflection, so new RPCs are covered without a change here) on the packaged
 * application as a child process: {@link RequestFuzzer}'s requests through a grpc-java channel with a byte[]
 * marshaller, plus raw HTTP/2 requests whose gRPC framing itself is wrong (over-long, short and huge length
 * prefixes, the compressed flag without an encoding, gzip that is not gzip, bytes after the message). Asserts no
 * INTERNAL, no UNKNOWN, no call left hanging, the process alive and SERVING, at most one log line per refused
 * request and no stack trace, no more threads than before, and no ledger record left. No provider is configured (the
 * test refuses to run if one is), so provisioning calls end FAILED_PRECONDITION without touching a cloud.
 *
 * <p>{@code -Dfuzz.requests=N} (default 1,500; the long run is 20,000), {@code -Dfuzz.seed=S} to replay a run.
 */
public class FuzzIT {
    static final String API = "cloudprovisioner.";
    static final int CALL_TIMEOUT_MS = 20_000;
    static final int IN_FLIGHT = 16;
    /** Lazily started pools (the provider-call pool, Vert.x workers) may add a few threads; a leak adds thousands. */
    static final int THREAD_SLACK = 8;
    static final String[] CREDENTIAL_PREFIXES = {"AWS_", "GOOGLE_", "GCP_", "GCLOUD", "CLOUDSDK_", "AZURE_",
        "ARM_", "DIGITALOCEAN_", "DO_", "VULTR_"};

    enum Raw { OVERLONG_PREFIX, SHORT_PREFIX, HUGE_PREFIX, COMPRESSED_WITHOUT_ENCODING, BAD_GZIP, TRAILING_BYTES }

    @Test
    void everyRpcSurvivesHostileRequests() throws Exception {
        int requests = Integer.getInteger("fuzz.requests", 1500);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Path target = Path.of("target").toAbsolutePath();
        Path home = Files.createTempDirectory(target, "fuzz-home-");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("cloudprovisioner.data-dir", Files.createTempDirectory(target, "fuzz-ledger-").toString());
        props.put("user.home", home.toString());
        props.put("cloudprovisioner.reconcile.every", "off");
        Map<String, String> env = new HashMap<>();
        for (String name : System.getenv().keySet()) {
            for (String p : CREDENTIAL_PREFIXES) {
                if (name.startsWith(p)) {
                    env.put(name, "");
                }
            }
        }
        env.put("HOME", home.toString());
        try (AppProcess app = AppProcess.start("fuzz", props, env, Path.of("target/fuzz-it"))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            Vertx vertx = Vertx.vertx();
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(app.grpcPort()));
            try {
                run(app, channel, http, requests, seed);
            } finally {
                http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private void run(AppProcess app, ManagedChannel channel, HttpClient http, int requests, long seed)
            throws Exception {
        for (ProviderInfo p : CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .listProviders(ListProvidersRequest.getDefaultInstance()).getProvidersList()) {
            assertFalse(p.getConfigured(), "refusing to fuzz: " + p.getProvider() + " is configured from "
                    + p.getCredentialSource() + " and fuzzed provisioning calls could reach it");
        }
        List<MethodDescriptor> methods = RequestFuzzer.methods(apiFiles(channel), API);
        assertTrue(methods.size() >= 16, "RPCs found by reflection: " + methods.size());

        RequestFuzzer fuzzer = new RequestFuzzer(seed);
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        // Warm-up with the same mix and concurrency, so that lazily started pools (provider calls, Vert.x workers)
        // have their threads before the baseline is taken; it counts towards nothing.
        Tally warmup = new Tally();
        fuzz(channel, http, methods, fuzzer, rnd, Math.max(200, requests / 10), warmup);
        Thread.sleep(1000);
        int threadsBefore = threads(app.pid());
        long logOffset = Files.size(app.log());

        // Two halves: pools that grow lazily under load (the provider-call pool starts a thread per task up to its
        // core size, Vert.x workers likewise) may still grow in the first half on a loaded machine; a leak grows in
        // both, so the second half is judged against the thread count between the two.
        Tally t = new Tally();
        long t0 = System.nanoTime();
        fuzz(channel, http, methods, fuzzer, rnd, requests / 2, t);
        Thread.sleep(1000);
        int threadsMid = threads(app.pid());
        fuzz(channel, http, methods, fuzzer, rnd, requests - requests / 2, t);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertTrue(app.alive(), "the application died; see " + app.log());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(0, ProvisioningServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .listInstances(ListInstancesRequest.newBuilder().setIncludeEnded(true).build()).getInstancesCount(),
                "the fuzz left ledger records");
        Thread.sleep(2000);
        int threadsAfter = threads(app.pid());
        List<String> logLines = linesFrom(app.log(), logOffset);
        List<String> stack = logLines.stream().filter(l -> l.matches("\\s+at .*|Caused by: .*|.*Exception: .*"))
                .limit(5).toList();

        System.out.printf(java.util.Locale.ROOT, "fuzz: seed %d, %d requests (%.1f MB) to %d RPCs in %.1f s "
                + "(%.0f/s); codes %s; kinds %s; log: %d lines during the fuzz; threads %d before, %d half-way, %d "
                + "after%n", seed, requests, t.bytes.sum() / 1e6, t.covered.size(), seconds, requests / seconds,
                sorted(t.codes), sorted(t.kinds), logLines.size(), threadsBefore, threadsMid, threadsAfter);
        List<String> failures = new ArrayList<>(warmup.failures);
        failures.addAll(t.failures);
        assertTrue(failures.isEmpty(), failures.size() + " bad outcomes (seed " + seed + "), e.g. "
                + failures.subList(0, Math.min(10, failures.size())));
        assertEquals(methods.size(), t.covered.size(), "RPCs covered");
        assertTrue(stack.isEmpty(), "stack traces in the log: " + stack);
        assertTrue(logLines.size() <= t.refused.sum(), logLines.size() + " log lines for " + t.refused.sum()
                + " refused requests: " + logLines.subList(0, Math.min(5, logLines.size())));
        assertTrue(threadsAfter <= threadsMid + THREAD_SLACK, "threads grew from " + threadsMid + " half-way to "
                + threadsAfter + " (" + threadsBefore + " after the warm-up)");
    }

    /** What a fuzz phase saw. */
    static final class Tally {
        final Map<String, LongAdder> codes = new ConcurrentHashMap<>();
        final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
        final Set<String> covered = new ConcurrentSkipListSet<>();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final LongAdder refused = new LongAdder();
        final LongAdder bytes = new LongAdder();
    }

    /** Sends {@code requests} generated requests, round robin over the methods, {@value #IN_FLIGHT} at a time. */
    static void fuzz(ManagedChannel channel, HttpClient http, List<MethodDescriptor> methods, RequestFuzzer fuzzer,
            Random rnd, int requests, Tally t) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        Semaphore inFlight = new Semaphore(IN_FLIGHT * 2);
        for (int i = 0; i < requests; i++) {
            MethodDescriptor m = methods.get(i % methods.size());
            boolean raw = rnd.nextInt(100) < 5;
            Raw rawKind = Raw.values()[rnd.nextInt(Raw.values().length)];
            RequestFuzzer.Request r = fuzzer.next(m, raw ? RequestFuzzer.Kind.VALID : fuzzer.kind());
            String kind = raw ? "raw " + rawKind : r.kind().name();
            inFlight.acquire();
            pool.execute(() -> {
                try {
                    String code = raw ? sendRaw(http, m, rawKind, r.messages().get(0)) : send(channel, r);
                    t.codes.computeIfAbsent(code, k -> new LongAdder()).increment();
                    t.kinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
                    t.covered.add(m.getFullName());
                    t.bytes.add(r.bytes());
                    if (!code.equals("OK")) {
                        t.refused.increment();
                    }
                    if (Set.of("INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED", "UNAVAILABLE").contains(code)
                            || code.startsWith("no status")) {
                        t.failures.add(code + " for " + kind + " to " + m.getFullName());
                    }
                } catch (RuntimeException e) {
                    t.failures.add(e + " for " + kind + " to " + m.getFullName());
                } finally {
                    inFlight.release();
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the fuzz did not finish");
        }
    }

    /** The files of the API's services as reflection serves them (with their dependencies). */
    static List<FileDescriptor> apiFiles(ManagedChannel channel) throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        var s = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new ServerConventionsTest.Reply<>(names, r -> r.getListServicesResponse()
                        .getServiceList().stream().map(io.grpc.reflection.v1.ServiceResponse::getName).toList()));
        s.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
        s.onCompleted();
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        Map<String, FileDescriptor> files = new LinkedHashMap<>();
        for (String service : names.get(10, TimeUnit.SECONDS)) {
            if (!service.startsWith(API)) {
                continue;
            }
            var served = ServerConventionsTest.v1(channel, io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol(service).build());
            ServerConventionsTest.collect(protos, served);
            String file = FileDescriptorProto.parseFrom(served.get(0)).getName();
            files.computeIfAbsent(file, f -> {
                try {
                    return ServerConventionsTest.build(f, protos, n -> ServerConventionsTest.v1(channel,
                            io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setFileByFilename(n).build()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return List.copyOf(files.values());
    }

    /** One call through the channel; its status code name. */
    static String send(ManagedChannel channel, RequestFuzzer.Request r) {
        io.grpc.MethodDescriptor.MethodType type = r.method().isServerStreaming()
                ? io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING : io.grpc.MethodDescriptor.MethodType.UNARY;
        String name = r.method().getService().getFullName() + "/" + r.method().getName();
        Status s = RawGrpc.call(channel, RawGrpc.method(name, type), CALL_TIMEOUT_MS,
                r.messages().toArray(new byte[0][])).status();
        return s.getCode().name();
    }

    /** One call as raw HTTP/2 with broken gRPC framing; the grpc-status it ended with, by name. */
    static String sendRaw(HttpClient http, MethodDescriptor m, Raw kind, byte[] message) {
        Buffer body = Buffer.buffer();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/grpc");
        headers.put("te", "trailers");
        switch (kind) {
            case OVERLONG_PREFIX -> body.appendByte((byte) 0).appendInt(message.length + 100).appendBytes(message);
            case SHORT_PREFIX -> body.appendBytes(new byte[] {0, 0, 0, 1, 0}, 0, 1 + (message.length % 4));
            case HUGE_PREFIX -> body.appendByte((byte) 0).appendInt(0xFFFFFFFF).appendBytes(message);
            case COMPRESSED_WITHOUT_ENCODING -> body.appendByte((byte) 1).appendInt(message.length)
                    .appendBytes(message);
            case BAD_GZIP -> {
                headers.put("grpc-encoding", "gzip");
                byte[] junk = message.length == 0 ? new byte[] {1, 2, 3} : message;
                body.appendByte((byte) 1).appendInt(junk.length).appendBytes(junk);
            }
            case TRAILING_BYTES -> body.appendByte((byte) 0).appendInt(message.length).appendBytes(message)
                    .appendBytes(new byte[] {0, 0, 0});
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setURI("/" + m.getService().getFullName() + "/" + m.getName()).setIdleTimeout(CALL_TIMEOUT_MS);
        headers.forEach(options::putHeader);
        CompletableFuture<String> code = new CompletableFuture<>();
        http.request(options).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> {
            String s = resp.getHeader("grpc-status");
            return s != null ? s : resp.getTrailer("grpc-status");
        })).onComplete(ar -> {
            if (ar.failed()) {
                code.complete("no status (" + ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage()
                        + ")");
            } else {
                code.complete(ar.result() == null ? "no status" : Status.fromCodeValue(Integer.parseInt(ar.result()))
                        .getCode().name());
            }
        });
        try {
            return code.get(CALL_TIMEOUT_MS + 5000L, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return "no status (" + e + ")";
        }
    }

    static int threads(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IllegalStateException("no thread count in /proc/" + pid + "/status");
    }

    static List<String> linesFrom(Path log, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(offset);
            byte[] b = new byte[(int) (f.length() - offset)];
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Map<String, Long> sorted(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}

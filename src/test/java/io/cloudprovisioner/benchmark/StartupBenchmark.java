package io.cloudprovisioner.benchmark;

import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ListProvidersResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time from starting the packaged application ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a child
 * process to its first successful RPCs: grpc.health.v1 Check answering SERVING, then a ListProviders. Each run uses
 * fresh free loopback ports, writes the child's output to a log file, and always kills the child (try/finally,
 * destroyForcibly, bounded wait; a shutdown hook does the same if this JVM is interrupted).
 *
 * <p>Usage: {@code StartupBenchmark [--jar=target/quarkus-app/quarkus-run.jar] [--runs=5] [--timeout-seconds=60]
 * [--log-dir=target/bench] [--app-java-opts="-Xmx256m ..."]}.
 */
public final class StartupBenchmark {
    private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");
    private static final AtomicReference<Process> CHILD = new AtomicReference<>();

    private StartupBenchmark() {
    }

    record Result(double healthMs, double listMs, double reportedS) {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        Path jar = Path.of(args.str("jar", "target/quarkus-app/quarkus-run.jar"));
        int runs = args.integer("runs", 5);
        double timeout = args.dbl("timeout-seconds", 60);
        Path logDir = Path.of(args.str("log-dir", "target/bench"));
        String opts = args.str("app-java-opts", "").trim();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: run ./mvnw -DskipTests package first");
        }
        Files.createDirectories(logDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = CHILD.get();
            if (p != null) {
                p.destroyForcibly();
            }
        }));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf(Locale.ROOT, "# StartupBenchmark: %s %s -jar %s, %d runs, timeout %.0fs per run%n", java,
                opts, jar, runs, timeout);
        prewarmClient();

        List<Result> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            int grpcPort = BenchGrpc.freePorts(1).get(0);
            Path log = logDir.resolve("startup-run-" + run + ".log");
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            if (!opts.isEmpty()) {
                cmd.addAll(List.of(opts.split("\\s+")));
            }
            cmd.addAll(List.of("-Dquarkus.http.port=" + grpcPort,
                    "-Dcloudprovisioner.data-dir=" + Files.createTempDirectory(logDir.toAbsolutePath(), "ledger-"),
                    "-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            ManagedChannel ch = null;
            Process p = null;
            try {
                long t0 = System.nanoTime();
                p = pb.start();
                CHILD.set(p);
                long deadline = t0 + (long) (timeout * 1e9);
                double healthMs = -1;
                while (System.nanoTime() < deadline) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("run " + run + ": the app exited with " + p.exitValue()
                                + " before answering; see " + log);
                    }
                    if (BenchGrpc.listening("127.0.0.1", grpcPort, 100)) {
                        if (ch == null) {
                            ch = BenchGrpc.channel("127.0.0.1", grpcPort);
                        }
                        if (BenchGrpc.serving(ch, 1000)) {
                            healthMs = (System.nanoTime() - t0) / 1e6;
                            break;
                        }
                        ch.resetConnectBackoff();
                    }
                    Thread.sleep(5);
                }
                if (healthMs < 0) {
                    throw new IllegalStateException("run " + run + ": not SERVING within " + timeout + " s; see "
                            + log);
                }
                ListProvidersResponse lp = listProviders(ch, deadline);
                double listMs = (System.nanoTime() - t0) / 1e6;
                if (lp.getProvidersCount() != 5) {
                    throw new IllegalStateException("ListProviders answered " + lp.getProvidersCount()
                            + " providers, expected 5");
                }
                double reported = reportedStart(log);
                results.add(new Result(healthMs, listMs, reported));
                System.out.printf(Locale.ROOT, "run %d: health SERVING after %.0f ms, first ListProviders after %.0f "
                        + "ms, Quarkus reports 'started in %.3fs' (log %s)%n", run, healthMs, listMs, reported, log);
            } finally {
                if (ch != null) {
                    BenchGrpc.shutdown(ch);
                }
                if (p != null) {
                    p.destroyForcibly();
                    if (!p.waitFor(15, TimeUnit.SECONDS)) {
                        System.out.println("WARNING: child " + p.pid() + " still alive 15 s after destroyForcibly");
                    }
                    CHILD.set(null);
                }
            }
        }
        double health = Latencies.median(results.stream().mapToDouble(Result::healthMs).toArray());
        double list = Latencies.median(results.stream().mapToDouble(Result::listMs).toArray());
        double reported = Latencies.median(results.stream().mapToDouble(Result::reportedS).toArray());
        System.out.printf(Locale.ROOT, "MEDIAN of %d runs: health SERVING %.0f ms, first ListProviders %.0f ms, "
                + "Quarkus 'started in' %.3f s%n", runs, health, list, reported);
        System.out.printf(Locale.ROOT, "FIGURE startup.health_serving_ms=%.0f%n", health);
        System.out.printf(Locale.ROOT, "FIGURE startup.first_list_providers_ms=%.0f%n", list);
        System.out.printf(Locale.ROOT, "FIGURE startup.quarkus_reported_s=%.3f%n", reported);
        System.out.printf(Locale.ROOT, "FIGURE startup.runs=%d%n", runs);
    }

    private static ListProvidersResponse listProviders(ManagedChannel ch, long deadlineNanos)
            throws InterruptedException {
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadlineNanos) {
            try {
                return CatalogServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .listProviders(ListProvidersRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                last = e;
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("ListProviders never succeeded", last);
    }

    /** Loads grpc-java / Netty classes in this JVM once, so the first run is not charged for them. */
    private static void prewarmClient() throws IOException {
        int closed = BenchGrpc.freePorts(1).get(0);
        ManagedChannel ch = BenchGrpc.channel("127.0.0.1", closed);
        try {
            BenchGrpc.serving(ch, 500);
            CatalogServiceGrpc.newBlockingStub(ch).withDeadlineAfter(500, TimeUnit.MILLISECONDS)
                    .listProviders(ListProvidersRequest.getDefaultInstance());
        } catch (StatusRuntimeException expected) {
            // nothing listens there
        } finally {
            BenchGrpc.shutdown(ch);
        }
    }

    private static double reportedStart(Path log) {
        // Quarkus writes "... started in 2.345s. Listening on: ..." once startup is complete.
        for (int i = 0; i < 50; i++) {
            try {
                Matcher m = STARTED.matcher(Files.readString(log));
                if (m.find()) {
                    return Double.parseDouble(m.group(1));
                }
                Thread.sleep(20);
            } catch (IOException | InterruptedException e) {
                break;
            }
        }
        return Double.NaN;
    }
}

package io.cloudprovisioner.benchmark;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ListProvidersResponse;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.ProviderInfo;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Closed-loop gRPC load on a running server: a fixed number of requests in flight (future stub + semaphore), for a
 * time-bounded warm-up and then a time-bounded measurement, on plain grpc-java channels to a loopback address.
 * SelectProvider (2 vCPU / 4 GiB, include_unconfigured = true, so all five providers and every region are scanned)
 * and MapInstanceType (2 vCPU / 4 GiB over every provider / region of the catalog, in turn) are driven one after the
 * other, after the gRPC health check, in {@code --rounds} rounds; each round's SelectProvider and MapInstanceType
 * calls/s are divided by that round's health calls/s and the medians of those ratios are the figures. Latency is per call, from just before the call is issued to its completion callback.
 *
 * <p>Usage: {@code GrpcLoadBenchmark [host:port] [--concurrency=64] [--warmup-seconds=5] [--seconds=10]
 * [--channels=1] [--rpcs=select,map] [--rounds=3] [--max-calls=5000000] [--ready-timeout-seconds=60] [--server-pid=PID]}.
 * With {@code --server-pid} the server's CPU time during the measurement is read from /proc (Linux).
 */
public final class GrpcLoadBenchmark {
    private GrpcLoadBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        String target = args.positional(0, "127.0.0.1:9000");
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        BenchGrpc.requireLoopback(host);
        int concurrency = args.integer("concurrency", 64);
        double warmup = args.dbl("warmup-seconds", 5);
        double seconds = args.dbl("seconds", 10);
        int channels = args.integer("channels", 1);
        int maxCalls = args.integer("max-calls", 5_000_000);
        double readyTimeout = args.dbl("ready-timeout-seconds", 60);
        long serverPid = args.longValue("server-pid", -1);
        List<String> rpcs = List.of(args.str("rpcs", "select,map").split(","));
        int rounds = args.integer("rounds", 3);

        System.out.printf(Locale.ROOT, "# GrpcLoadBenchmark -> %s:%d, %d in flight over %d channel(s), warm-up %.0fs, "
                + "measured %.0fs per RPC, client %d cpus%n", host, port, concurrency, channels, warmup, seconds,
                Runtime.getRuntime().availableProcessors());
        List<ManagedChannel> chans = new ArrayList<>();
        try {
            for (int i = 0; i < channels; i++) {
                chans.add(BenchGrpc.channel(host, port));
            }
            waitReady(chans.get(0), readyTimeout);
            List<CatalogServiceGrpc.CatalogServiceFutureStub> stubs = chans.stream()
                    .map(CatalogServiceGrpc::newFutureStub).toList();
            ResourceSpec spec = ResourceSpec.newBuilder().setCpu(2).setMemoryGb(4).setStorageGb(10).build();

            SelectProviderRequest select = SelectProviderRequest.newBuilder().setSpec(spec)
                    .setPreferences(SelectionPreferences.newBuilder().setIncludeUnconfigured(true)).build();
            SelectProviderResponse first = CatalogServiceGrpc.newBlockingStub(chans.get(0))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).selectProvider(select);
            System.out.printf(Locale.ROOT, "SelectProvider sample: %d candidates (of %d), %d rejections, %d bytes; "
                    + "best %s %s %s at $%.4f/h%n", first.getCandidatesCount(), first.getTotalCandidates(),
                    first.getRejectionsCount(), first.getSerializedSize(),
                    first.getCandidates(0).getOffer().getInstanceType().getProvider(),
                    first.getCandidates(0).getOffer().getRegion(),
                    first.getCandidates(0).getOffer().getInstanceType().getName(),
                    first.getCandidates(0).getEffectivePrice().getUsdPerHour());

            ListProvidersResponse providers = CatalogServiceGrpc.newBlockingStub(chans.get(0))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).listProviders(ListProvidersRequest.getDefaultInstance());
            // Every (provider, region) where 2 vCPU / 4 GiB maps; the others answer NOT_FOUND (no priced type fits),
            // which is a correct answer but not the path to measure.
            List<MapInstanceTypeRequest> maps = new ArrayList<>();
            List<String> noFit = new ArrayList<>();
            MapInstanceTypeResponse sampleMap = null;
            for (ProviderInfo p : providers.getProvidersList()) {
                for (String region : p.getRegionsList()) {
                    MapInstanceTypeRequest r = MapInstanceTypeRequest.newBuilder().setProvider(p.getProvider())
                            .setRegion(region).setSpec(spec).build();
                    try {
                        MapInstanceTypeResponse resp = CatalogServiceGrpc.newBlockingStub(chans.get(0))
                                .withDeadlineAfter(10, TimeUnit.SECONDS).mapInstanceType(r);
                        sampleMap = sampleMap == null ? resp : sampleMap;
                        maps.add(r);
                    } catch (io.grpc.StatusRuntimeException e) {
                        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                            throw e;
                        }
                        noFit.add(p.getProvider().name().substring("CLOUD_PROVIDER_".length()).toLowerCase(Locale.ROOT)
                                + "/" + region);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "MapInstanceType: %d (provider, region) targets in rotation (%d more answer "
                    + "NOT_FOUND for 2 vCPU/4 GiB and are left out: %s); sample: %s%n", maps.size(), noFit.size(),
                    noFit, sampleMap.getExplanation().getSummary());

            // Rounds of health, select, map back to back on the same server and channels, so each round's ratios
            // compare RPCs under the same machine load; the ratios reported are medians over rounds.
            List<HealthGrpc.HealthFutureStub> health = chans.stream().map(HealthGrpc::newFutureStub).toList();
            HealthCheckRequest check = HealthCheckRequest.newBuilder().setService("").build();
            Map<String, List<Latencies.Summary>> byRpc = new java.util.LinkedHashMap<>();
            List<Double> selectRatios = new ArrayList<>();
            List<Double> mapRatios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                System.out.printf(Locale.ROOT, "%n# round %d of %d, load average %s%n", round, rounds, loadAverage());
                Latencies.Summary h = run("health", "grpc.health.v1.Health/Check (the trivial RPC the ratios divide by)",
                        i -> health.get(i % health.size()).check(check), concurrency, warmup, seconds, maxCalls,
                        serverPid);
                byRpc.computeIfAbsent("health", k -> new ArrayList<>()).add(h);
                if (rpcs.contains("select")) {
                    Latencies.Summary r = run("select", "SelectProvider (2 vCPU/4 GiB, include_unconfigured, all "
                            + "providers and regions, default max_candidates)",
                            i -> stubs.get(i % stubs.size()).selectProvider(select), concurrency, warmup, seconds,
                            maxCalls, serverPid);
                    byRpc.computeIfAbsent("select", k -> new ArrayList<>()).add(r);
                    selectRatios.add(r.opsPerSecond() / h.opsPerSecond());
                }
                if (rpcs.contains("map")) {
                    Latencies.Summary r = run("map", "MapInstanceType (2 vCPU/4 GiB, every provider/region in turn, "
                            + "3 alternatives, explained)",
                            i -> stubs.get(i % stubs.size()).mapInstanceType(maps.get(i % maps.size())), concurrency,
                            warmup, seconds, maxCalls, serverPid);
                    byRpc.computeIfAbsent("map", k -> new ArrayList<>()).add(r);
                    mapRatios.add(r.opsPerSecond() / h.opsPerSecond());
                }
            }
            System.out.printf(Locale.ROOT, "%n## medians over %d round(s), load average now %s%n", rounds,
                    loadAverage());
            byRpc.forEach((key, runs) -> {
                figure(key + ".median_ops_per_s", String.format(Locale.ROOT, "%.0f",
                        median(runs.stream().map(Latencies.Summary::opsPerSecond).toList())));
                figure(key + ".median_p99_us", Latencies.us((long) median(runs.stream()
                        .map(x -> (double) x.p99()).toList())));
            });
            ratio("select_over_health", selectRatios, 0.8);
            ratio("map_over_health", mapRatios, 0.9);
            figure("load_average", loadAverage().replace(' ', '/'));
        } finally {
            chans.forEach(BenchGrpc::shutdown);
        }
    }

    private static void waitReady(ManagedChannel ch, double timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (BenchGrpc.serving(ch, 2000)) {
                return;
            }
            ch.resetConnectBackoff();
            Thread.sleep(200);
        }
        throw new IllegalStateException("server not SERVING within " + timeoutSeconds + " s");
    }

    /** Shared state of one closed-loop run. Callbacks run on the channels' event-loop threads. */
    private static final class Run {
        final Latencies latencies;
        final Map<Status.Code, Integer> errors = new EnumMap<>(Status.Code.class);
        long measureStart;
        long measureEnd;
        int completedInWindow;

        Run(int capacity) {
            latencies = new Latencies(capacity);
        }

        synchronized void done(long issuedAt, long completedAt, Throwable failure) {
            if (failure != null) {
                errors.merge(Status.fromThrowable(failure).getCode(), 1, Integer::sum);
            }
            if (completedAt >= measureStart && completedAt <= measureEnd && failure == null) {
                completedInWindow++;
                latencies.add(completedAt - issuedAt);
            }
        }
    }

    private static void ratio(String key, List<Double> perRound, double target) {
        if (perRound.isEmpty()) {
            return;
        }
        double m = median(perRound);
        figure(key, String.format(Locale.ROOT, "%.2f", m));
        System.out.printf(Locale.ROOT, "TARGET %s >= %.1f (same run, same server, median of %d rounds %s): %.2f %s%n",
                key.replace("_over_", " calls/s / ").replace("select", "SelectProvider")
                        .replace("map", "MapInstanceType"), target, perRound.size(),
                perRound.stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toList(), m,
                m >= target ? "MET" : "MISSED");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static Latencies.Summary run(String key, String label, IntFunction<ListenableFuture<?>> call, int concurrency,
            double warmup, double seconds, int maxCalls, long serverPid) throws InterruptedException {
        System.out.printf(Locale.ROOT, "%n## %s%n", label);
        Run state = new Run(maxCalls);
        Semaphore inFlight = new Semaphore(concurrency);
        long start = System.nanoTime();
        state.measureStart = start + (long) (warmup * 1e9);
        state.measureEnd = state.measureStart + (long) (seconds * 1e9);
        long clientCpu0 = 0;
        long serverCpu0 = 0;
        boolean measuring = false;
        int issued = 0;
        long now = start;
        while (now < state.measureEnd && issued < maxCalls) {
            if (!measuring && now >= state.measureStart) {
                measuring = true;
                clientCpu0 = processCpuNanos();
                serverCpu0 = serverCpuNanos(serverPid);
            }
            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                now = System.nanoTime();
                continue;
            }
            long t0 = System.nanoTime();
            ListenableFuture<?> f = call.apply(issued++);
            f.addListener(() -> {
                long t1 = System.nanoTime();
                Throwable failure = null;
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failure = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = e;
                }
                state.done(t0, t1, failure);
                inFlight.release();
            }, MoreExecutors.directExecutor());
            now = System.nanoTime();
        }
        long clientCpu = processCpuNanos() - clientCpu0;
        long serverCpu = serverPid > 0 ? serverCpuNanos(serverPid) - serverCpu0 : -1;
        // Drain what is still in flight (bounded).
        if (!inFlight.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
            System.out.println("WARNING: calls still in flight 30 s after the end of the run");
        }
        Latencies.Summary s;
        Map<Status.Code, Integer> errors;
        synchronized (state) {
            s = state.latencies.summary(state.measureEnd - state.measureStart);
            errors = new EnumMap<>(state.errors);
        }
        System.out.printf(Locale.ROOT, "%s/s=%.0f in %.1fs: %s%n", key, s.opsPerSecond(), seconds, s.line());
        System.out.printf(Locale.ROOT, "errors=%s issued=%d%n", errors.isEmpty() ? "none" : errors, issued);
        System.out.printf(Locale.ROOT, "CPU during the measurement: client %.2f cores%s (of %d)%n",
                clientCpu / (seconds * 1e9), serverCpu < 0 ? "" : String.format(Locale.ROOT, ", server %.2f cores",
                        serverCpu / (seconds * 1e9)), Runtime.getRuntime().availableProcessors());
        detail(key + ".ops_per_s", String.format(Locale.ROOT, "%.0f", s.opsPerSecond()));
        detail(key + ".p50_us", Latencies.us(s.p50()));
        detail(key + ".p90_us", Latencies.us(s.p90()));
        detail(key + ".p99_us", Latencies.us(s.p99()));
        detail(key + ".max_us", Latencies.us(s.max()));
        detail(key + ".errors", errors.values().stream().mapToInt(Integer::intValue).sum());
        detail(key + ".client_cpu_cores", String.format(Locale.ROOT, "%.2f", clientCpu / (seconds * 1e9)));
        if (serverCpu >= 0) {
            detail(key + ".server_cpu_cores", String.format(Locale.ROOT, "%.2f", serverCpu / (seconds * 1e9)));
        }
        return s;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime of a Linux process, in nanoseconds (assumes USER_HZ = 100); -1 when unknown. */
    private static long serverCpuNanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime is field 14 of the full line, index 11 here.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (Exception e) {
            return -1;
        }
    }

    /** A per-round figure (the FIGURE lines are the medians over rounds). */
    private static void detail(String key, Object value) {
        System.out.println("round grpc." + key + "=" + value);
    }

    private static void figure(String key, Object value) {
        System.out.println("FIGURE grpc." + key + "=" + value);
    }
}

package io.cloudprovisioner.benchmark;

import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ListInstancesResponse;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.cloudprovisioner.harness.StandIn.RecordedCall;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ProvisionInstance end to end against the packaged app and the DigitalOcean stand-in (the cheapest wire protocol:
 * JSON over HTTP/1.1, bearer token, no signing).
 *
 * <p>The stand-in runs in this benchmark's JVM on 127.0.0.1 (so the app's JVM does only the service's work) and
 * counts the time its transformer spends answering ({@link DigitalOceanStandIn#serviceNanos()}). The app is started
 * as a child ({@code java -jar target/quarkus-app/quarkus-run.jar}) on free loopback ports with system properties
 * pointing the DigitalOcean adapter at the stand-in (the same settings as {@link DigitalOceanStandInResource}, except
 * the poll interval, 20 ms by default, and the page size, left at the production default), and is always killed.
 *
 * <ol>
 *   <li>Overhead: sequential provisions (nyc3 / s-1vcpu-1gb) after a warm-up. For each, {@code overhead = end-to-end
 *       - stand-in service time of that provision's calls - (droplets.get reads - 1) x poll interval} (the poll sleep
 *       is configured waiting, not work; the stand-in turns a droplet active on its second read). Reported per
 *       provision and per outbound call.</li>
 *   <li>Concurrency: N (1,000) ProvisionInstance calls started at once on the async stub (distinct
 *       client_request_ids, one deadline each), while another thread on its own connection calls grpc.health.v1
 *       Check every 50 ms. A thread dump of the app is taken during the load to show where its threads are.</li>
 *   <li>Clean-up: every created instance is terminated (bounded concurrency), then ListInstances finds what failed
 *       provisions left behind and terminates that too; the stand-in's live instance count is reported.</li>
 * </ol>
 *
 * <p>Usage: {@code ProvisioningBenchmark [--jar=target/quarkus-app/quarkus-run.jar] [--log-dir=target/bench]
 * [--warmup=50] [--provisions=200] [--concurrent=1000] [--deadline-seconds=120] [--poll-interval-ms=20]
 * [--health-interval-ms=50] [--terminate-concurrency=32] [--timeout-seconds=60] [--app-java-opts="-Xmx512m"]
 * [--app-props="quarkus.thread-pool.max-threads=400;cloudprovisioner.digitalocean.read-timeout=10s"]}.
 * Loopback only; every loop is bounded; nothing asserts on time.
 */
public final class ProvisioningBenchmark {
    static final String REGION = "nyc3";
    static final String SIZE = "s-1vcpu-1gb";
    private static final AtomicReference<Process> CHILD = new AtomicReference<>();

    private ProvisioningBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        Path jar = Path.of(args.str("jar", "target/quarkus-app/quarkus-run.jar"));
        Path logDir = Path.of(args.str("log-dir", "target/bench"));
        int warmup = args.integer("warmup", 50);
        int provisions = args.integer("provisions", 200);
        int concurrent = args.integer("concurrent", 1000);
        int deadlineS = args.integer("deadline-seconds", 120);
        int pollMs = args.integer("poll-interval-ms", 20);
        int healthEveryMs = args.integer("health-interval-ms", 50);
        int terminateConcurrency = args.integer("terminate-concurrency", 32);
        double startTimeout = args.dbl("timeout-seconds", 60);
        String opts = args.str("app-java-opts", "").trim();
        String extraProps = args.str("app-props", "").trim();
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

        String token = DigitalOceanStandInResource.TOKEN;
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        try (DigitalOceanStandIn standIn = new DigitalOceanStandIn(token)) {
            int grpcPort = BenchGrpc.freePorts(1).get(0);
            Map<String, String> props = new TreeMap<>();
            props.put("quarkus.http.port", Integer.toString(grpcPort));
            props.put("cloudprovisioner.digitalocean.base-url", standIn.baseUrl());
            // a fresh ledger per run: request ids of an earlier run must not replay
            props.put("cloudprovisioner.data-dir", java.nio.file.Files.createTempDirectory(
                    Path.of("target").toAbsolutePath(), "bench-ledger-").toString());
            props.put("cloudprovisioner.digitalocean.poll-interval", pollMs + "ms");
            props.put("cloudprovisioner.digitalocean.provision-timeout", "10s");
            props.put("cloudprovisioner.digitalocean.connect-timeout", "1s");
            props.put("cloudprovisioner.digitalocean.read-timeout", "2s");
            props.put("cloudprovisioner.digitalocean.fault-tolerance.retry-delay", "200ms");
            props.put("cloudprovisioner.digitalocean.max-retry-wait", "3s");
            props.put("cloudprovisioner.digitalocean.ssh-keys", "289794,3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45");
            props.put("cloudprovisioner.digitalocean.user-data", "#cloud-config\nruncmd:\n  - touch /ready\n");
            props.put("cloudprovisioner.network.ingress-ports", "22,8080");
            props.put("cloudprovisioner.network.ingress-cidrs", "0.0.0.0/0,::/0");
            props.put("cloudprovisioner.network.ssh-public-key", DigitalOceanStandInResource.PUBLIC_KEY);
            if (!extraProps.isEmpty()) {
                for (String kv : extraProps.split(";")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                    }
                }
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            if (!opts.isEmpty()) {
                cmd.addAll(List.of(opts.split("\\s+")));
            }
            props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.addAll(List.of("-jar", jar.toString()));
            Path log = logDir.resolve("provisioning-app.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DIGITALOCEAN_TOKEN", token);
            System.out.printf(Locale.ROOT, "# ProvisioningBenchmark: DigitalOcean stand-in %s (in this JVM); app %s %s "
                    + "-jar %s, gRPC 127.0.0.1:%d, log %s%n", standIn.baseUrl(), java, opts, jar, grpcPort, log);
            System.out.println("# app system properties (plus env DIGITALOCEAN_TOKEN=<fake>):");
            props.forEach((k, v) -> System.out.println("#   -D" + k + "=" + v.replace("\n", "\\n")));
            if (!extraProps.isEmpty()) {
                System.out.println("# extra app properties from --app-props: " + extraProps);
            }

            Process p = null;
            ManagedChannel ch = null;
            ManagedChannel healthCh = null;
            try {
                long t0 = System.nanoTime();
                p = pb.start();
                CHILD.set(p);
                ch = BenchGrpc.channel("127.0.0.1", grpcPort);
                waitServing(p, ch, grpcPort, t0 + (long) (startTimeout * 1e9), log);
                System.out.printf(Locale.ROOT, "app SERVING after %.0f ms (pid %d)%n", (System.nanoTime() - t0) / 1e6,
                        p.pid());
                healthCh = BenchGrpc.channel("127.0.0.1", grpcPort);

                Overhead o = overhead(ch, standIn, run, warmup, provisions, pollMs);
                cleanup(ch, standIn, o.ids, terminateConcurrency, "after the sequential phase");

                Concurrency c = concurrency(ch, healthCh, standIn, run, concurrent, deadlineS, healthEveryMs,
                        p.pid(), logDir);
                int left = cleanup(ch, standIn, c.ids, terminateConcurrency, "after the concurrent phase");

                printFigures(o, c, left, concurrent, pollMs, props);
            } finally {
                if (ch != null) {
                    BenchGrpc.shutdown(ch);
                }
                if (healthCh != null) {
                    BenchGrpc.shutdown(healthCh);
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
    }

    private static void waitServing(Process p, ManagedChannel ch, int port, long deadline, Path log)
            throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the app exited with " + p.exitValue() + "; see " + log);
            }
            if (BenchGrpc.listening("127.0.0.1", port, 100)) {
                if (BenchGrpc.serving(ch, 1000)) {
                    return;
                }
                ch.resetConnectBackoff();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the app was not SERVING in time; see " + log);
    }

    static ProvisionInstanceRequest request(String requestId) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion(REGION).setInstanceType(SIZE).putLabels("bench", "provisioning")
                .setClientRequestId(requestId).build();
    }

    // ---- 1. overhead ------------------------------------------------------------------------------------------

    record Overhead(Latencies.Summary e2e, Latencies.Summary standIn, Latencies.Summary overhead,
            Latencies.Summary overheadPerCall, double callsPerProvision, double getsPerProvision,
            Map<String, Integer> opsPerProvision, List<String> ids) {
    }

    static Overhead overhead(ManagedChannel ch, DigitalOceanStandIn standIn, String run, int warmup, int n, int pollMs) {
        ProvisioningServiceGrpc.ProvisioningServiceBlockingStub stub = ProvisioningServiceGrpc.newBlockingStub(ch);
        List<String> ids = new ArrayList<>();
        Latencies e2e = new Latencies(n);
        Latencies stand = new Latencies(n);
        Latencies over = new Latencies(n);
        Latencies perCall = new Latencies(n);
        long calls = 0;
        long gets = 0;
        Map<String, Integer> ops = new TreeMap<>();
        System.out.printf(Locale.ROOT, "== overhead: %d sequential provisions after %d warm-up (poll interval %d ms)%n",
                n, warmup, pollMs);
        long wall0 = System.nanoTime();
        for (int i = 0; i < warmup + n; i++) {
            String id = "bench-s-" + run + "-" + i;
            int c0 = standIn.calls().size();
            long s0 = standIn.serviceNanos();
            long t0 = System.nanoTime();
            ProvisionInstanceResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).provisionInstance(request(id));
            long t1 = System.nanoTime();
            long s1 = standIn.serviceNanos();
            List<RecordedCall> all = standIn.calls();
            List<RecordedCall> mine = all.subList(c0, all.size());
            ids.add(r.getInstance().getId());
            if (i == warmup) {
                wall0 = t0;
            }
            if (i < warmup) {
                continue;
            }
            int g = (int) mine.stream().filter(c -> c.operation().equals("droplets.get")).count();
            long standNanos = s1 - s0;
            long o = (t1 - t0) - standNanos - Math.max(0, g - 1) * pollMs * 1_000_000L;
            e2e.add(t1 - t0);
            stand.add(standNanos);
            over.add(o);
            perCall.add(mine.isEmpty() ? o : o / mine.size());
            calls += mine.size();
            gets += g;
            for (RecordedCall c : mine) {
                ops.merge(c.operation(), 1, Integer::sum);
            }
        }
        long wall = System.nanoTime() - wall0;
        Overhead out = new Overhead(e2e.summary(wall), stand.summary(wall), over.summary(wall),
                perCall.summary(wall), calls / (double) n, gets / (double) n, ops, ids);
        System.out.println("end-to-end           " + out.e2e.line());
        System.out.println("stand-in time        " + out.standIn.line());
        System.out.println("overhead / provision " + out.overhead.line());
        System.out.println("overhead / call      " + out.overheadPerCall.line());
        System.out.printf(Locale.ROOT, "stand-in calls per provision %.2f (droplets.get %.2f); totals over %d: %s%n",
                out.callsPerProvision, out.getsPerProvision, n, ops);
        return out;
    }

    // ---- 2. concurrency ---------------------------------------------------------------------------------------

    record Concurrency(int started, int ok, Map<String, Integer> failures, Map<String, String> firstMessage,
            long wallNanos, Latencies.Summary provision, Latencies.Summary health, int healthFailed,
            Map<String, Integer> threads, int maxExecutorThreads, double serverCores, List<String> ids) {
    }

    static Concurrency concurrency(ManagedChannel ch, ManagedChannel healthCh, DigitalOceanStandIn standIn,
            String run, int n, int deadlineS, int healthEveryMs, long pid, Path logDir) throws Exception {
        System.out.printf(Locale.ROOT, "== concurrency: %d ProvisionInstance in flight at once (deadline %d s each), "
                + "health Check every %d ms on its own connection%n", n, deadlineS, healthEveryMs);
        ProvisioningServiceGrpc.ProvisioningServiceStub async = ProvisioningServiceGrpc.newStub(ch);
        long[] latency = new long[n];
        boolean[] ok = new boolean[n];
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        Map<String, String> firstMessage = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(n);
        AtomicBoolean loading = new AtomicBoolean(true);

        int maxHealth = (int) ((deadlineS + 30) * 1000L / Math.max(1, healthEveryMs)) + 10;
        long[] healthStart = new long[maxHealth];
        long[] healthEnd = new long[maxHealth];
        int[] healthN = {0};
        Object health = healthN;
        AtomicInteger healthFailed = new AtomicInteger();
        ConcurrentLinkedQueue<String> healthErrors = new ConcurrentLinkedQueue<>();
        Thread prober = new Thread(() -> {
            HealthGrpc.HealthBlockingStub h = HealthGrpc.newBlockingStub(healthCh);
            for (int i = 0; i < maxHealth && loading.get(); i++) {
                long t0 = System.nanoTime();
                try {
                    HealthCheckResponse r = h.withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.newBuilder().setService("").build());
                    long t1 = System.nanoTime();
                    synchronized (health) {
                        if (healthN[0] < maxHealth) {
                            healthStart[healthN[0]] = t0;
                            healthEnd[healthN[0]++] = t1;
                        }
                    }
                    if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                        healthFailed.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    healthFailed.incrementAndGet();
                    if (healthErrors.size() < 5) {
                        healthErrors.add(Status.fromThrowable(e).toString());
                    }
                }
                long sleep = healthEveryMs - (System.nanoTime() - t0) / 1_000_000L;
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "health-prober");
        prober.setDaemon(true);

        long cpu0 = serverCpuNanos(pid);
        int calls0 = standIn.calls().size();
        prober.start();
        Thread.sleep(200); // a few health samples before the load, as a baseline in the log
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final int k = i;
            final long t0 = System.nanoTime();
            async.withDeadlineAfter(deadlineS, TimeUnit.SECONDS).provisionInstance(
                    request("bench-c-" + run + "-" + i), new StreamObserver<>() {
                        @Override
                        public void onNext(ProvisionInstanceResponse r) {
                            ids.add(r.getInstance().getId());
                        }

                        @Override
                        public void onError(Throwable t) {
                            latency[k] = System.nanoTime() - t0;
                            Status s = Status.fromThrowable(t);
                            failures.merge(s.getCode().name(), 1, Integer::sum);
                            firstMessage.putIfAbsent(s.getCode().name(), String.valueOf(s.getDescription()));
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            latency[k] = System.nanoTime() - t0;
                            ok[k] = true;
                            done.countDown();
                        }
                    });
        }
        // One thread dump while the load runs: where the app's threads are (worker pool size, what they wait on).
        // jcmd stops the app at a safepoint: health checks overlapping the dump are left out of the health figures.
        Map<String, Integer> threads = new TreeMap<>();
        int maxExecutor = 0;
        long dump0 = 0;
        long dump1 = 0;
        Thread.sleep(1500);
        if (done.getCount() > 0) {
            Path dump = logDir.resolve("provisioning-threaddump.txt");
            dump0 = System.nanoTime();
            String text = threadDump(pid);
            dump1 = System.nanoTime();
            Files.writeString(dump, text);
            maxExecutor = summarizeThreads(text, threads);
            System.out.printf(Locale.ROOT, "thread dump of the app %.1f s into the load (%d calls still open): %s "
                    + "(full dump %s)%n", (System.nanoTime() - start) / 1e9, done.getCount(), threads, dump);
        }
        boolean all = done.await(deadlineS + 30L, TimeUnit.SECONDS);
        long wall = System.nanoTime() - start;
        loading.set(false);
        prober.join(10_000);
        double cores = (serverCpuNanos(pid) - cpu0) / (double) wall;
        Map<String, Integer> ops = new TreeMap<>();
        List<RecordedCall> received = standIn.calls();
        for (RecordedCall c : received.subList(Math.min(calls0, received.size()), received.size())) {
            ops.merge(c.operation(), 1, Integer::sum);
        }
        System.out.println("stand-in received during the load: " + ops);
        if (!all) {
            System.out.println("WARNING: " + done.getCount() + " calls neither completed nor failed within the bound");
        }
        int okCount = 0;
        Latencies prov = new Latencies(n);
        for (int i = 0; i < n; i++) {
            if (ok[i]) {
                okCount++;
                prov.add(latency[i]);
            }
        }
        Latencies.Summary ps = prov.summary(wall);
        Latencies.Summary hs;
        int excluded = 0;
        int before = 0;
        synchronized (health) {
            Latencies h = new Latencies(Math.max(1, healthN[0]));
            for (int i = 0; i < healthN[0]; i++) {
                if (healthEnd[i] < start) {
                    before++;
                } else if (dump1 > 0 && healthStart[i] < dump1 && healthEnd[i] > dump0) {
                    excluded++;
                } else {
                    h.add(healthEnd[i] - healthStart[i]);
                }
            }
            hs = h.summary(wall);
        }
        System.out.printf(Locale.ROOT, "health checks: %d during the load, %d before it (not counted), %d overlapping "
                + "the thread dump (%.0f ms, not counted)%n", hs.calls(), before, excluded, (dump1 - dump0) / 1e6);
        System.out.printf(Locale.ROOT, "completed %d / %d, failed %s in %.2f s (%.1f provisions/s), server used %.2f "
                + "cores%n", okCount, n, new TreeMap<>(failures), wall / 1e9, okCount * 1e9 / wall, cores);
        firstMessage.forEach((code, msg) -> System.out.println("  first " + code + ": " + msg));
        System.out.println("provision (ok)  " + ps.line());
        System.out.println("health Check    " + hs.line() + " failed=" + healthFailed.get()
                + (healthErrors.isEmpty() ? "" : " " + healthErrors));
        return new Concurrency(n, okCount, new TreeMap<>(failures), new TreeMap<>(firstMessage), wall, ps, hs,
                healthFailed.get(), threads, maxExecutor, cores, new ArrayList<>(ids));
    }

    private static String threadDump(long pid) {
        try {
            Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            byte[] out = j.getInputStream().readAllBytes();
            if (!j.waitFor(20, TimeUnit.SECONDS)) {
                j.destroyForcibly();
            }
            return new String(out);
        } catch (IOException | InterruptedException e) {
            return "thread dump failed: " + e;
        }
    }

    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\".*$", Pattern.MULTILINE);

    /** Counts threads by name with digits removed; returns the number of executor (worker pool) threads. */
    static int summarizeThreads(String dump, Map<String, Integer> out) {
        Matcher m = THREAD.matcher(dump);
        int executor = 0;
        while (m.find()) {
            String name = m.group(1).replaceAll("[0-9]+", "#");
            if (name.startsWith("executor-thread")) {
                executor++;
            }
            out.merge(name, 1, Integer::sum);
        }
        out.entrySet().removeIf(e -> e.getValue() < 4);
        return executor;
    }

    /** CPU time (user + system) of a Linux process from /proc, nanoseconds; -1 when unavailable. */
    static long serverCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // USER_HZ = 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ---- 3. clean-up --------------------------------------------------------------------------------------------

    /** Terminates {@code ids}, then whatever ListInstances still shows; returns the stand-in's live instances. */
    static int cleanup(ManagedChannel ch, DigitalOceanStandIn standIn, List<String> ids, int concurrency, String when)
            throws InterruptedException {
        waitQuiet(standIn);
        int terminated = terminate(ch, ids, concurrency);
        List<String> orphans = new ArrayList<>();
        ProvisioningServiceGrpc.ProvisioningServiceBlockingStub stub = ProvisioningServiceGrpc.newBlockingStub(ch);
        String token = "";
        for (int page = 0; page < 100; page++) {
            ListInstancesResponse r;
            try {
                r = stub.withDeadlineAfter(60, TimeUnit.SECONDS).listInstances(ListInstancesRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setPageSize(1000).setPageToken(token)
                        .build());
            } catch (RuntimeException e) {
                System.out.println("clean-up " + when + ": ListInstances failed: " + Status.fromThrowable(e)
                        + " (the app is not answering; leftovers stay on the stand-in)");
                break;
            }
            for (ProvisionedInstance i : r.getInstancesList()) {
                orphans.add(i.getId());
            }
            token = r.getNextPageToken();
            if (token.isEmpty()) {
                break;
            }
        }
        int orphanTerminated = orphans.isEmpty() ? 0 : terminate(ch, orphans, concurrency);
        int live = standIn.liveInstances();
        System.out.printf(Locale.ROOT, "clean-up %s: terminated %d of %d created, then %d of %d left over (found by "
                + "ListInstances); stand-in live instances now %d%n", when, terminated, ids.size(), orphanTerminated,
                orphans.size(), live);
        return live;
    }

    /** Waits (bounded, 60 s) until the stand-in has seen no request for 1 s: abandoned calls may still be working. */
    private static void waitQuiet(DigitalOceanStandIn standIn) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 60; i++) {
            int now = standIn.calls().size();
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(1000);
        }
    }

    private static int terminate(ManagedChannel ch, List<String> ids, int concurrency) throws InterruptedException {
        ProvisioningServiceGrpc.ProvisioningServiceStub async = ProvisioningServiceGrpc.newStub(ch);
        Semaphore permits = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(ids.size());
        AtomicInteger ok = new AtomicInteger();
        for (String id : ids) {
            if (!permits.tryAcquire(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("terminations did not progress for 120 s");
            }
            async.withDeadlineAfter(60, TimeUnit.SECONDS).terminateInstance(TerminateInstanceRequest.newBuilder()
                    .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(id).build(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(TerminateInstanceResponse r) {
                            ok.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {
                            permits.release();
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            permits.release();
                            done.countDown();
                        }
                    });
        }
        done.await(180, TimeUnit.SECONDS);
        return ok.get();
    }

    // ---- figures -------------------------------------------------------------------------------------------------

    private static void printFigures(Overhead o, Concurrency c, int live, int n, int pollMs, Map<String, String> props) {
        System.out.println();
        System.out.println("FIGURE provisioning.provider=digitalocean-standin");
        System.out.printf(Locale.ROOT, "FIGURE provisioning.poll_interval_ms=%d%n", pollMs);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.seq_provisions=%d%n", o.e2e.calls());
        System.out.printf(Locale.ROOT, "FIGURE provisioning.seq_e2e_p50_us=%s%n", Latencies.us(o.e2e.p50()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.seq_e2e_p90_us=%s%n", Latencies.us(o.e2e.p90()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.seq_standin_p50_us=%s%n", Latencies.us(o.standIn.p50()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.overhead_per_provision_p50_us=%s%n",
                Latencies.us(o.overhead.p50()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.overhead_per_provision_p90_us=%s%n",
                Latencies.us(o.overhead.p90()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.overhead_per_call_p50_us=%s%n",
                Latencies.us(o.overheadPerCall.p50()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.overhead_per_call_p90_us=%s%n",
                Latencies.us(o.overheadPerCall.p90()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.calls_per_provision=%.2f%n", o.callsPerProvision);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_started=%d%n", c.started);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_completed=%d%n", c.ok);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_failed=%d%s%n", c.started - c.ok,
                c.failures.isEmpty() ? "" : " " + c.failures);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_wall_s=%.2f%n", c.wallNanos / 1e9);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_provisions_per_s=%.1f%n",
                c.ok * 1e9 / c.wallNanos);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_p50_us=%s%n", Latencies.us(c.provision.p50()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_p99_us=%s%n", Latencies.us(c.provision.p99()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.concurrent_server_cores=%.2f%n", c.serverCores);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.app_executor_threads_during_load=%d%n",
                c.maxExecutorThreads);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.health_checks=%d%n", c.health.calls());
        System.out.printf(Locale.ROOT, "FIGURE provisioning.health_failed=%d%n", c.healthFailed);
        System.out.printf(Locale.ROOT, "FIGURE provisioning.health_p50_us=%s%n", Latencies.us(c.health.p50()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.health_p99_us=%s%n", Latencies.us(c.health.p99()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.health_max_us=%s%n", Latencies.us(c.health.max()));
        System.out.printf(Locale.ROOT, "FIGURE provisioning.standin_live_after_cleanup=%d%n", live);
        boolean overheadMet = o.overheadPerCall.p50() < 5_000_000L;
        System.out.printf(Locale.ROOT, "TARGET < 5 ms overhead per call at the median: %s (%s per outbound call, "
                + "%s per provision of %.1f calls)%n", overheadMet ? "MET" : "NOT MET",
                Latencies.fmt(o.overheadPerCall.p50()), Latencies.fmt(o.overhead.p50()), o.callsPerProvision);
        // "Fast": p99 under 100 ms and no failed check while 1,000 provisions are in flight.
        boolean healthMet = c.healthFailed == 0 && c.health.calls() > 0 && c.health.p99() < 100_000_000L;
        System.out.printf(Locale.ROOT, "TARGET health RPC stays fast under %,d concurrent provisions (p99 < 100 ms, "
                + "none failed): %s (p50 %s, p99 %s, max %s, %d failed)%n", n, healthMet ? "MET" : "NOT MET",
                Latencies.fmt(c.health.p50()), Latencies.fmt(c.health.p99()), Latencies.fmt(c.health.max()),
                c.healthFailed);
        if (c.ok < c.started) {
            System.out.printf(Locale.ROOT, "NOTE %d of %d concurrent provisions failed: %s; first messages %s%n",
                    c.started - c.ok, c.started, c.failures, c.firstMessage);
        }
    }
}

package io.cloudprovisioner.chaos;

import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.LedgerState;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ListInstancesResponse;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.ReconcileFinding;
import io.cloudprovisioner.api.v1.ReconcileRequest;
import io.cloudprovisioner.api.v1.ReconcileResponse;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.ledger.PostgresLedger;
import io.cloudprovisioner.provider.ManagedLabels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chaos run: the packaged application as a child process against the DigitalOcean stand-in (its real REST
 * protocol, validated against DigitalOcean's OpenAPI description), with random throttling, 5xx, slow answers
 * (beyond the client's read timeout), capacity and quota errors and lost answers (created, but the answer never
 * arrives), and the process killed again and again: halted at crash points inside the provisioning path and
 * SIGKILLed from outside at random moments. Clients keep calling with the same request ids until each request has
 * an answer, then terminate what they got. At the end: a restart, a few orphans planted in the stand-in (managed,
 * never recorded) and one foreign droplet, a sweep (Reconcile, orphans terminated), and the
 * checks: no instance in the stand-in without a live ledger record, no request id with two instances, every
 * record in a final state.
 *
 * <p>Run with {@code bench/chaos.sh} (full size) or through {@code ChaosIT} (small, in CI). Prints FIGURE lines.
 */
public final class ChaosRun {
    /** What the run found. */
    public record Result(int provisions, int answered, int failedFinal, int terminated, int crashes, int haltedAtPoints,
            int killed, Map<Fault, Integer> injected, int liveAfter, int orphansLeft, int duplicates,
            int notFinal, int recordsTotal, Map<String, Integer> recordsByState, List<String> sweep,
            int orphansSwept, int foreignLeft, double seconds) {
    }

    /** Run settings. */
    public record Settings(int provisions, int minCrashes, int concurrency, long seed, String ledger,
            double crashProbability, double faultRate, int plantedOrphans, Path logDir) {
    }

    private final Settings s;
    private final Random random;
    /** Guards kill / restart of the application (the killer and the keeper); clients never wait on it. */
    private final Object lifecycle = new Object();
    private final AtomicInteger halted = new AtomicInteger();
    private final AtomicInteger killed = new AtomicInteger();
    private volatile AppProcess app;
    private volatile boolean driving = true;

    public ChaosRun(Settings s) {
        this.s = s;
        this.random = new Random(s.seed());
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : argv) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        Settings s = new Settings(Integer.parseInt(a.getOrDefault("provisions", "1000")),
                Integer.parseInt(a.getOrDefault("crashes", "20")), Integer.parseInt(a.getOrDefault("concurrency", "8")),
                Long.parseLong(a.getOrDefault("seed", "42")), a.getOrDefault("ledger", "embedded"),
                Double.parseDouble(a.getOrDefault("crash-probability", "0.006")),
                Double.parseDouble(a.getOrDefault("fault-rate", "1.0")),
                Integer.parseInt(a.getOrDefault("planted-orphans", "5")), Path.of(a.getOrDefault("log-dir",
                        "target/chaos")));
        Result r = new ChaosRun(s).run();
        print(s, r);
        boolean ok = r.orphansLeft() == 0 && r.duplicates() == 0 && r.notFinal() == 0 && r.crashes() >= s.minCrashes()
                && r.orphansSwept() == s.plantedOrphans() && r.foreignLeft() == 1;
        System.out.println(ok ? "CHAOS: PASSED" : "CHAOS: FAILED");
        System.exit(ok ? 0 : 1);
    }

    public Result run() throws Exception {
        long t0 = System.nanoTime();
        DigitalOceanStandInResource resource = new DigitalOceanStandInResource();
        Map<String, String> cfg = new HashMap<>(resource.start());
        DigitalOceanStandIn standIn = DigitalOceanStandInResource.standIn();
        try {
            Map<String, String> env = Map.of("DIGITALOCEAN_TOKEN", cfg.remove("DIGITALOCEAN_TOKEN"));
            cfg.put("cloudprovisioner.digitalocean.page-size", "200");
            cfg.put("cloudprovisioner.digitalocean.provision-timeout", "20s");
            cfg.put("quarkus.log.level", "WARN");
            cfg.put("quarkus.log.category.\"io.cloudprovisioner\".level", "WARN");
            if (s.ledger().equals("postgresql")) {
                cfg.remove("cloudprovisioner.data-dir");
                cfg.putAll(PostgresLedger.config(PostgresLedger.newSchema()));
            } else {
                Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chaos-ledger-");
                cfg.put("cloudprovisioner.data-dir", dir.toString());
            }
            double p = s.crashProbability();
            String points = String.format(Locale.ROOT, "before-create:%s,after-create:%s,after-terminate:%s", p, p, p);
            double f = s.faultRate();
            standIn.faults().slowDelayMillis(2500); // beyond the client's read timeout (2 s): a timeout, retried
            standIn.faults().randomly("droplets.create", Map.of(Fault.THROTTLE, 0.04 * f, Fault.SERVER_ERROR,
                    0.04 * f, Fault.SLOW, 0.02 * f, Fault.CAPACITY, 0.03 * f, Fault.QUOTA, 0.02 * f,
                    Fault.LOST_RESPONSE, 0.03 * f), s.seed());
            standIn.faults().randomly("droplets.delete", Map.of(Fault.THROTTLE, 0.04 * f, Fault.SERVER_ERROR,
                    0.04 * f, Fault.SLOW, 0.01 * f), s.seed() + 1);
            standIn.faults().randomly("droplets.list", Map.of(Fault.THROTTLE, 0.02 * f, Fault.SERVER_ERROR,
                    0.02 * f), s.seed() + 2);
            standIn.faults().randomly("droplets.get", Map.of(Fault.THROTTLE, 0.02 * f, Fault.SERVER_ERROR,
                    0.02 * f), s.seed() + 3);
            cfg.put("cloudprovisioner.chaos.crash-points", points);
            app = AppProcess.start("chaos", cfg, env, s.logDir());

            Thread keeper = new Thread(this::keepAlive, "chaos-keeper");
            keeper.setDaemon(true);
            keeper.start();
            Thread killer = new Thread(this::killAtRandom, "chaos-killer");
            killer.setDaemon(true);
            killer.start();

            ExecutorService pool = Executors.newFixedThreadPool(s.concurrency());
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < s.provisions(); i++) {
                String id = "chaos-" + s.seed() + "-" + i;
                outcomes.add(pool.submit(() -> drive(id)));
            }
            int answered = 0;
            int failedFinal = 0;
            int terminated = 0;
            for (Future<Outcome> o : outcomes) {
                Outcome out = o.get();
                answered += out.created() ? 1 : 0;
                failedFinal += out.created() ? 0 : 1;
                terminated += out.terminated() ? 1 : 0;
            }
            // Keep crashing until the minimum is reached (each crash also checks recovery at start).
            while (halted.get() + killed.get() < s.minCrashes()) {
                crashAndRestart();
            }
            driving = false;
            pool.shutdown();
            keeper.join(60_000);
            killer.interrupt();
            killer.join(60_000);

            // Final: a clean restart (recovery at start), then a sweep that terminates orphans at once.
            synchronized (lifecycle) {
                app.kill();
                killed.incrementAndGet();
                app.restart(Map.of("cloudprovisioner.chaos.crash-points", ""));
            }
            Map<Fault, Integer> injected = new TreeMap<>(standIn.faults().injectedCounts());
            standIn.faults().clear();
            // Instances the service never recorded (made by a lost deployment, a script, an old version): the sweep
            // must find and terminate them; one foreign droplet (not managed) must stay.
            for (int i = 0; i < s.plantedOrphans(); i++) {
                standIn.plant("orphan-" + i, "nyc3", "s-1vcpu-1gb", List.of(ManagedLabels.managedTag(),
                        ManagedLabels.requestTag("orphan-" + s.seed() + "-" + i)), java.time.Instant.now()
                                .minusSeconds(3600));
            }
            long foreign = standIn.plant("not-ours", "nyc3", "s-1vcpu-1gb", List.of("team:web"),
                    java.time.Instant.now().minusSeconds(3600));
            ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api = api();
            List<String> sweep = new ArrayList<>();
            ReconcileResponse rec = api.reconcile(ReconcileRequest.newBuilder().setTerminateOrphans(true)
                    .setGrace(com.google.protobuf.Duration.newBuilder().setSeconds(0)).build());
            for (ReconcileFinding fd : rec.getFindingsList()) {
                sweep.add(fd.getKind().name().replace("RECONCILE_FINDING_KIND_", "") + " " + fd.getInstanceId()
                        + " (" + fd.getClientRequestId() + ")");
            }

            // Checks.
            Map<String, Integer> byState = new TreeMap<>();
            Map<String, ProvisionedInstance> records = new LinkedHashMap<>();
            String token = "";
            do {
                ListInstancesResponse page = api.listInstances(ListInstancesRequest.newBuilder()
                        .setIncludeEnded(true).setPageSize(1000).setPageToken(token).build());
                for (ProvisionedInstance i : page.getInstancesList()) {
                    if (i.getLedgerState() != LedgerState.LEDGER_STATE_UNSPECIFIED) {
                        records.put(i.getClientRequestId().toLowerCase(Locale.ROOT), i);
                        byState.merge(i.getLedgerState().name().replace("LEDGER_STATE_", ""), 1, Integer::sum);
                    }
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            int notFinal = 0;
            for (ProvisionedInstance i : records.values()) {
                LedgerState st = i.getLedgerState();
                if (st != LedgerState.LEDGER_STATE_TERMINATED && st != LedgerState.LEDGER_STATE_FAILED
                        && st != LedgerState.LEDGER_STATE_VANISHED) {
                    notFinal++;
                }
            }
            int swept = (int) rec.getFindingsList().stream().filter(fd -> fd.getKind()
                    == io.cloudprovisioner.api.v1.ReconcileFindingKind.RECONCILE_FINDING_KIND_ORPHAN_TERMINATED)
                    .count();
            int foreignLeft = (int) standIn.liveTags().stream().filter(t -> t.contains("team:web")).count();
            standIn.remove(foreign);
            int orphans = 0;
            for (List<String> tags : standIn.liveTags()) {
                String key = tags.stream().filter(t -> t.startsWith(ManagedLabels.REQUEST_ID + ":")).findFirst()
                        .map(t -> t.substring(ManagedLabels.REQUEST_ID.length() + 1)).orElse("");
                ProvisionedInstance r = records.get(key);
                if (r == null || r.getLedgerState() != LedgerState.LEDGER_STATE_RUNNING) {
                    orphans++;
                }
            }
            Map<String, Integer> perId = new HashMap<>();
            for (List<String> tags : standIn.everCreatedTags()) {
                tags.stream().filter(t -> t.startsWith(ManagedLabels.REQUEST_ID + ":")).findFirst()
                        .ifPresent(t -> perId.merge(t, 1, Integer::sum));
            }
            int duplicates = (int) perId.values().stream().filter(n -> n > 1).count();
            return new Result(s.provisions(), answered, failedFinal, terminated, halted.get() + killed.get(),
                    halted.get(), killed.get(), injected, standIn.liveInstances(), orphans, duplicates, notFinal,
                    records.size(), byState, sweep, swept, foreignLeft, (System.nanoTime() - t0) / 1e9);
        } finally {
            driving = false;
            if (app != null) {
                app.close();
            }
            resource.stop();
        }
    }

    private record Outcome(boolean created, boolean terminated) {
    }

    private ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api() {
        return ProvisioningServiceGrpc.newBlockingStub(app.channel()).withDeadlineAfter(90, TimeUnit.SECONDS);
    }

    /** One client: provision with the id until answered, then terminate what it got until terminated. */
    private Outcome drive(String id) throws InterruptedException {
        ProvisionInstanceRequest req = ProvisionInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceType("s-1vcpu-1gb").putLabels("run", "chaos").setClientRequestId(id).build();
        ProvisionInstanceResponse created = null;
        int exhausted = 0;
        while (created == null) {
            try {
                created = call(() -> api().provisionInstance(req));
            } catch (StatusRuntimeException e) {
                Status.Code c = e.getStatus().getCode();
                if (c == Status.Code.RESOURCE_EXHAUSTED && ++exhausted >= 3) {
                    return new Outcome(false, false); // capacity / quota three times: the caller gives up
                }
                if (c != Status.Code.RESOURCE_EXHAUSTED && c != Status.Code.UNAVAILABLE && c != Status.Code.ABORTED
                        && c != Status.Code.DEADLINE_EXCEEDED && c != Status.Code.CANCELLED
                        && c != Status.Code.UNKNOWN) {
                    throw new IllegalStateException(id + ": unexpected " + e.getStatus(), e);
                }
                Thread.sleep(100);
            }
        }
        String instanceId = created.getInstance().getId();
        TerminateInstanceRequest t = TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setInstanceId(instanceId)
                .setClientRequestId("t-" + id).build();
        while (true) {
            try {
                if (call(() -> api().terminateInstance(t)).getStatus() == InstanceStatus.INSTANCE_STATUS_TERMINATED) {
                    return new Outcome(true, true);
                }
            } catch (StatusRuntimeException e) {
                Status.Code c = e.getStatus().getCode();
                if (c != Status.Code.UNAVAILABLE && c != Status.Code.ABORTED && c != Status.Code.DEADLINE_EXCEEDED
                        && c != Status.Code.CANCELLED && c != Status.Code.UNKNOWN) {
                    throw new IllegalStateException(id + ": terminate: unexpected " + e.getStatus(), e);
                }
            }
            Thread.sleep(100);
        }
    }

    private static <T> T call(java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (NullPointerException | IllegalStateException e) {
            // the channel was being replaced by a restart: as if the service were unreachable
            throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
        }
    }

    /** Restarts the application whenever it halted itself at a crash point. */
    private void keepAlive() {
        while (driving) {
            try {
                if (!app.alive()) {
                    synchronized (lifecycle) {
                        if (!app.alive() && driving) {
                            halted.incrementAndGet();
                            app.restart(Map.of());
                        }
                    }
                }
                Thread.sleep(50);
            } catch (Exception e) {
                if (!driving) {
                    return;
                }
                System.err.println("chaos: restart failed: " + e);
            }
        }
    }

    /** SIGKILLs the application at random moments (every 3 to 12 s) while clients are calling. */
    private void killAtRandom() {
        try {
            while (driving) {
                Thread.sleep(3000 + random.nextInt(9000));
                if (driving) {
                    crashAndRestart();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("chaos: kill/restart failed: " + e);
        }
    }

    private void crashAndRestart() throws Exception {
        // Requests in flight are cut off by the kill, as in a real crash.
        synchronized (lifecycle) {
            app.kill();
            killed.incrementAndGet();
            app.restart(Map.of());
        }
    }

    public static void print(Settings s, Result r) {
        System.out.printf(Locale.ROOT, "# chaos run: %d provisions, %d clients, seed %d, ledger %s, crash probability"
                + " %.3f per point, fault rate x%.1f%n", s.provisions(), s.concurrency(), s.seed(), s.ledger(),
                s.crashProbability(), s.faultRate());
        System.out.printf(Locale.ROOT, "injected faults: %s (total %d)%n", r.injected(),
                r.injected().values().stream().mapToInt(Integer::intValue).sum());
        System.out.printf(Locale.ROOT, "crashes: %d (%d halted at crash points, %d SIGKILLs)%n", r.crashes(),
                r.haltedAtPoints(), r.killed());
        System.out.printf(Locale.ROOT, "provisions: %d requested, %d created and terminated, %d given up after "
                + "capacity/quota x3%n", r.provisions(), r.terminated(), r.failedFinal());
        System.out.printf(Locale.ROOT, "sweep: %d planted orphans terminated, the foreign droplet %s: %s%n",
                r.orphansSwept(), r.foreignLeft() == 1 ? "left alone" : "TOUCHED", r.sweep());
        System.out.printf(Locale.ROOT, "ledger records: %d %s%n", r.recordsTotal(), r.recordsByState());
        System.out.printf(Locale.ROOT, "FIGURE chaos.provisions=%d%n", r.provisions());
        System.out.printf(Locale.ROOT, "FIGURE chaos.crashes=%d%n", r.crashes());
        System.out.printf(Locale.ROOT, "FIGURE chaos.injected_faults=%d%n",
                r.injected().values().stream().mapToInt(Integer::intValue).sum());
        System.out.printf(Locale.ROOT, "FIGURE chaos.instances_left=%d%n", r.liveAfter());
        System.out.printf(Locale.ROOT, "FIGURE chaos.orphans_left=%d%n", r.orphansLeft());
        System.out.printf(Locale.ROOT, "FIGURE chaos.orphans_swept=%d%n", r.orphansSwept());
        System.out.printf(Locale.ROOT, "FIGURE chaos.duplicate_request_ids=%d%n", r.duplicates());
        System.out.printf(Locale.ROOT, "FIGURE chaos.records_not_final=%d%n", r.notFinal());
        System.out.printf(Locale.ROOT, "FIGURE chaos.seconds=%.0f%n", r.seconds());
    }

}

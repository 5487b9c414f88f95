package io.cloudprovisioner.benchmark;

import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogLoader;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.InstanceTypeMapper;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.catalog.MappingResult;
import io.cloudprovisioner.catalog.ProviderCatalog;
import io.cloudprovisioner.catalog.RegionOffers;
import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.provider.aws.AwsDescriptor;
import io.cloudprovisioner.provider.azure.AzureDescriptor;
import io.cloudprovisioner.provider.digitalocean.DigitalOceanDescriptor;
import io.cloudprovisioner.provider.gcp.GcpDescriptor;
import io.cloudprovisioner.provider.vultr.VultrDescriptor;
import io.cloudprovisioner.selection.ProviderSelector;
import io.cloudprovisioner.selection.SelectionPreferences;
import io.cloudprovisioner.selection.SelectionResult;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * In-process benchmark of the catalog's hot paths, without CDI, Quarkus or gRPC: catalog load (time and approximate
 * retained heap), {@link InstanceTypeMapper#map} with explanation over every provider and region, and
 * {@link ProviderSelector#select} across all five providers and every region ({@code includeUnconfigured=true}).
 *
 * <p>Method: a time-bounded warm-up, then several measured runs; every call is timed on its own with
 * {@link System#nanoTime()} and percentiles are nearest-rank over all calls of a run. The figure reported for each
 * statistic is its median over the runs. The workload is a fixed mix drawn from a seeded {@link Random}, so two runs
 * of the harness do the same calls in the same order.
 *
 * <p>Lines starting with {@code FIGURE } are machine-readable ({@code key=value}); {@code bench/run.sh} collects
 * them. Arguments ({@code --name=value}): runs, warmup-seconds, run-cap-seconds, map-calls, select-calls, seed.
 */
public final class MappingBenchmark {
    /** The classes of request in the mix. */
    enum Kind {
        SMALL, MEDIUM, LARGE, GPU, TEE, SPOT, ARM64
    }

    record Call(Kind kind, Provider provider, RegionOffers offers, ResourceSpec spec) {
    }

    record SelectCall(Kind kind, ResourceSpec spec) {
    }

    static volatile long sink;
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MappingBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        int runs = args.integer("runs", 5);
        double warmup = args.dbl("warmup-seconds", 2);
        double cap = args.dbl("run-cap-seconds", 2);
        int mapCalls = args.integer("map-calls", 200_000);
        int selectCalls = args.integer("select-calls", 5_000);
        long seed = args.longValue("seed", 42);

        System.out.printf(Locale.ROOT, "# MappingBenchmark: %s %s, %d cpus, max heap %d MiB, JVM args %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "# load average at start: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "# runs=%d warmup=%.1fs run-cap=%.1fs map-calls/run=%d select-calls/run=%d "
                + "seed=%d%n", runs, warmup, cap, mapCalls, selectCalls, seed);

        Catalog catalog = loadSection();

        MappingPolicy policy = MappingPolicy.DEFAULT;
        Random random = new Random(seed);
        List<Call> calls = mappingMix(catalog, random);
        System.out.printf(Locale.ROOT, "%n## MapInstanceType: InstanceTypeMapper.map(region, spec, DEFAULT, 3, true)"
                + " over %d (provider, region, spec) tuples: %d regions x %d kinds x 2 variants, shuffled%n",
                calls.size(), regionCount(catalog), Kind.values().length);
        mapSection(calls, policy, runs, warmup, cap, mapCalls);

        ProviderSelector selector = selector(catalog);
        SelectionPreferences prefs = new SelectionPreferences(List.of(), List.of(DeploymentType.VM),
                List.of(DeploymentType.VM), 0, true, true, true, MappingPolicy.DEFAULT);
        SelectionResult sample = selector.select(ResourceSpec.of(2, 4), prefs, 20, "bench");
        System.out.printf(Locale.ROOT, "%n## SelectProvider: ProviderSelector.select(spec, includeUnconfigured=true, "
                + "20, \"bench\"): all 5 providers, %d regions; 2 vCPU/4 GiB gives %d candidates, %d rejections%n",
                regionCount(catalog), sample.totalCandidates(), sample.rejections().size());
        List<SelectCall> headline = List.of(new SelectCall(Kind.SMALL, ResourceSpec.of(2, 4)));
        List<Latencies.Summary> h = selectSection("select-2cpu-4gib", "2 vCPU / 4 GiB x86_64 on-demand", selector,
                prefs, headline, runs, warmup, cap, selectCalls);
        List<SelectCall> mix = selectionMix(random);
        List<Latencies.Summary> m = selectSection("select-mix", "seeded mix of " + mix.size()
                + " specs (" + Kind.values().length + " kinds x 16)", selector, prefs, mix, runs, warmup, cap,
                selectCalls);

        breakdown(catalog, selector, prefs, policy, random);

        Latencies.Summary hm = Latencies.medianOf(h);
        Latencies.Summary mm = Latencies.medianOf(m);
        System.out.printf(Locale.ROOT, "%nTARGET in-process selection p99 < 1 ms: 2cpu/4GiB p99=%s %s; mix p99=%s "
                + "%s%n", Latencies.fmt(hm.p99()), hm.p99() < 1_000_000 ? "MET" : "MISSED", Latencies.fmt(mm.p99()),
                mm.p99() < 1_000_000 ? "MET" : "MISSED");
        Reference.reachabilityFence(catalog);
    }

    // ---- c. catalog load ---------------------------------------------------------------------------------------

    private static Catalog loadSection() throws InterruptedException {
        System.out.println("\n## Catalog load: CatalogLoader.loadBundled()");
        long t0 = System.nanoTime();
        Catalog first = CatalogLoader.loadBundled();
        long firstNanos = System.nanoTime() - t0;
        sink += first.offerCount();
        double[] loads = new double[5];
        for (int i = 0; i < loads.length; i++) {
            long s = System.nanoTime();
            Catalog c = CatalogLoader.loadBundled();
            loads[i] = System.nanoTime() - s;
            sink += c.offerCount();
        }
        first = null;
        // Retained heap: heap in use after a full collection, with and without one catalog reachable.
        fullGc();
        long before = used();
        Catalog catalog = CatalogLoader.loadBundled();
        fullGc();
        long after = used();
        Reference.reachabilityFence(catalog);
        double retainedMib = (after - before) / 1048576.0;
        System.out.printf(Locale.ROOT, "offers=%d regions=%d%n", catalog.offerCount(), regionCount(catalog));
        System.out.printf(Locale.ROOT, "first load (cold JVM, includes class loading and JIT): %.1f ms%n",
                firstNanos / 1e6);
        System.out.printf(Locale.ROOT, "median of 5 further loads: %.1f ms (each: %s)%n", Latencies.median(loads) / 1e6,
                java.util.Arrays.stream(loads).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v / 1e6)).toList());
        System.out.printf(Locale.ROOT, "retained heap after load: ~%.1f MiB (APPROXIMATE: used heap after "
                + "System.gc() with the catalog reachable minus before loading)%n", retainedMib);
        figure("catalog.offers", catalog.offerCount());
        figure("catalog.regions", regionCount(catalog));
        figure("catalog.load.first_ms", String.format(Locale.ROOT, "%.1f", firstNanos / 1e6));
        figure("catalog.load.median5_ms", String.format(Locale.ROOT, "%.1f", Latencies.median(loads) / 1e6));
        figure("catalog.retained_heap_mib_approx", String.format(Locale.ROOT, "%.1f", retainedMib));
        return catalog;
    }

    private static void fullGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * The benchmark thread's CPU time over the run's wall time. Well below 1 means the thread was descheduled
     * (other processes on the machine, GC or JIT threads competing for the cores): the run's tail latencies then
     * measure the machine, not the code.
     */
    private static String cpuShare(long cpu0, long wallNanos) {
        double share = (THREADS.getCurrentThreadCpuTime() - cpu0) / (double) wallNanos;
        return String.format(Locale.ROOT, "cpu/wall=%.2f%s", share, share < 0.9 ? " (NOISY: thread was descheduled)"
                : "");
    }

    static int regionCount(Catalog c) {
        int n = 0;
        for (Provider p : Provider.values()) {
            n += c.provider(p).regions().size();
        }
        return n;
    }

    // ---- workload -------------------------------------------------------------------------------------------

    private static final String[] GPU_MODELS = {"", "", "t4", "a10", "l4", "a100", "h100", "v100"};

    static ResourceSpec spec(Kind kind, Random r) {
        return switch (kind) {
            case SMALL -> ResourceSpec.of(pick(r, 0.5, 1, 2), pick(r, 0.5, 1, 2, 4));
            case MEDIUM -> ResourceSpec.of(pick(r, 4, 8), pick(r, 8, 16, 32));
            case LARGE -> ResourceSpec.of(pick(r, 32, 48, 64, 96), pick(r, 128, 192, 256, 384));
            case GPU -> ResourceSpec.of(pick(r, 4, 8, 16), pick(r, 16, 32, 64))
                    .withGpus(new int[] {1, 1, 2, 4, 8}[r.nextInt(5)], GPU_MODELS[r.nextInt(GPU_MODELS.length)]);
            case TEE -> ResourceSpec.of(pick(r, 2, 4, 8), pick(r, 4, 8, 16, 32)).withTee(true);
            case SPOT -> ResourceSpec.of(pick(r, 2, 4, 8, 16), pick(r, 4, 8, 16, 64)).withSpot(true);
            case ARM64 -> ResourceSpec.of(pick(r, 1, 2, 4, 16), pick(r, 2, 4, 8, 32))
                    .withArchitecture(Architecture.ARM64);
        };
    }

    private static double pick(Random r, double... values) {
        return values[r.nextInt(values.length)];
    }

    static List<Call> mappingMix(Catalog catalog, Random r) {
        List<Call> out = new ArrayList<>();
        for (Provider p : Provider.values()) {
            for (RegionOffers ro : catalog.provider(p).regions().values()) {
                for (Kind k : Kind.values()) {
                    for (int v = 0; v < 2; v++) {
                        out.add(new Call(k, p, ro, spec(k, r)));
                    }
                }
            }
        }
        Collections.shuffle(out, r);
        return out;
    }

    static List<SelectCall> selectionMix(Random r) {
        List<SelectCall> out = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (int v = 0; v < 16; v++) {
                out.add(new SelectCall(k, spec(k, r)));
            }
        }
        Collections.shuffle(out, r);
        return out;
    }

    static ProviderSelector selector(Catalog catalog) {
        CatalogStore store = new CatalogStore();
        store.replace(catalog);
        ProviderRegistry registry = new ProviderRegistry(List.of(new AwsDescriptor(), new GcpDescriptor(),
                new AzureDescriptor(), new DigitalOceanDescriptor(), new VultrDescriptor()), name -> Optional.empty(),
                Duration.ofMinutes(10), Clock.systemUTC());
        return new ProviderSelector(store, registry);
    }

    // ---- a. mapping ------------------------------------------------------------------------------------------

    private static void mapSection(List<Call> calls, MappingPolicy policy, int runs, double warmup, double cap,
            int perRun) {
        Call[] mix = calls.toArray(new Call[0]);
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            Call c = mix[i++ % mix.length];
            sink += InstanceTypeMapper.map(c.offers(), c.spec(), policy, 3, true).considered();
        }
        Latencies all = new Latencies(perRun);
        Map<Kind, Latencies> byKind = new EnumMap<>(Kind.class);
        Map<Provider, Latencies> byProvider = new EnumMap<>(Provider.class);
        for (Kind k : Kind.values()) {
            byKind.put(k, new Latencies(perRun));
        }
        for (Provider p : Provider.values()) {
            byProvider.put(p, new Latencies(perRun));
        }
        List<Latencies.Summary> summaries = new ArrayList<>();
        Map<Kind, List<Latencies.Summary>> kindSummaries = new EnumMap<>(Kind.class);
        Map<Provider, List<Latencies.Summary>> providerSummaries = new EnumMap<>(Provider.class);
        int found = 0;
        int total = 0;
        for (int run = 1; run <= runs; run++) {
            all.clear();
            byKind.values().forEach(Latencies::clear);
            byProvider.values().forEach(Latencies::clear);
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + (long) (cap * 1e9);
            int n = 0;
            long now = start;
            while (n < perRun && now < end) {
                Call c = mix[i++ % mix.length];
                long t0 = System.nanoTime();
                MappingResult r = InstanceTypeMapper.map(c.offers(), c.spec(), policy, 3, true);
                now = System.nanoTime();
                long d = now - t0;
                all.add(d);
                byKind.get(c.kind()).add(d);
                byProvider.get(c.provider()).add(d);
                sink += r.considered();
                if (run == 1) {
                    total++;
                    found += r.found() ? 1 : 0;
                }
                n++;
            }
            Latencies.Summary s = all.summary(now - start);
            summaries.add(s);
            byKind.forEach((k, l) -> kindSummaries.computeIfAbsent(k, x -> new ArrayList<>()).add(l.summary(0)));
            byProvider.forEach((p, l) -> providerSummaries.computeIfAbsent(p, x -> new ArrayList<>())
                    .add(l.summary(0)));
            System.out.printf(Locale.ROOT, "run %d: %s %s%n", run, s.line(), cpuShare(cpu0, now - start));
        }
        Latencies.Summary med = Latencies.medianOf(summaries);
        System.out.printf(Locale.ROOT, "MEDIAN of %d runs: ops/s=%.0f mean=%s p50=%s p90=%s p99=%s max=%s "
                + "(run 1: %d of %d calls found a type)%n", runs, Latencies.medianOpsPerSecond(summaries),
                Latencies.fmt(med.meanNanos()), Latencies.fmt(med.p50()), Latencies.fmt(med.p90()),
                Latencies.fmt(med.p99()), Latencies.fmt(med.max()), found, total);
        System.out.println("by kind (median over runs):");
        kindSummaries.forEach((k, l) -> printPart(k.name().toLowerCase(Locale.ROOT), l));
        System.out.println("by provider (median over runs):");
        providerSummaries.forEach((p, l) -> printPart(p.id(), l));
        figure("map.ops_per_s", String.format(Locale.ROOT, "%.0f", Latencies.medianOpsPerSecond(summaries)));
        figures("map", med);
    }

    private static void printPart(String name, List<Latencies.Summary> l) {
        Latencies.Summary m = Latencies.medianOf(l);
        System.out.printf(Locale.ROOT, "  %-13s calls=%-7d mean=%-8s p50=%-8s p90=%-8s p99=%-8s max=%s%n", name,
                m.calls(), Latencies.fmt(m.meanNanos()), Latencies.fmt(m.p50()), Latencies.fmt(m.p90()),
                Latencies.fmt(m.p99()), Latencies.fmt(m.max()));
    }

    // ---- b. selection ----------------------------------------------------------------------------------------

    private static List<Latencies.Summary> selectSection(String key, String label, ProviderSelector selector,
            SelectionPreferences prefs, List<SelectCall> calls, int runs, double warmup, double cap, int perRun) {
        System.out.printf(Locale.ROOT, "%n### %s%n", label);
        SelectCall[] mix = calls.toArray(new SelectCall[0]);
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            sink += selector.select(mix[i++ % mix.length].spec(), prefs, 20, "bench").totalCandidates();
        }
        Latencies all = new Latencies(perRun);
        Latencies onCpu = new Latencies(perRun);
        Map<Kind, Latencies> byKind = new EnumMap<>(Kind.class);
        Map<Kind, List<Latencies.Summary>> kindSummaries = new EnumMap<>(Kind.class);
        List<Latencies.Summary> summaries = new ArrayList<>();
        List<Latencies.Summary> cpuSummaries = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            all.clear();
            onCpu.clear();
            byKind.values().forEach(Latencies::clear);
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + (long) (cap * 1e9);
            long now = start;
            int n = 0;
            while (n < perRun && now < end) {
                SelectCall c = mix[i++ % mix.length];
                long c0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                SelectionResult r = selector.select(c.spec(), prefs, 20, "bench");
                now = System.nanoTime();
                onCpu.add(THREADS.getCurrentThreadCpuTime() - c0);
                all.add(now - t0);
                if (mix.length > 1) {
                    byKind.computeIfAbsent(c.kind(), k -> new Latencies(perRun)).add(now - t0);
                }
                sink += r.totalCandidates();
                n++;
            }
            Latencies.Summary s = all.summary(now - start);
            summaries.add(s);
            cpuSummaries.add(onCpu.summary(now - start));
            byKind.forEach((k, l) -> kindSummaries.computeIfAbsent(k, x -> new ArrayList<>()).add(l.summary(0)));
            System.out.printf(Locale.ROOT, "run %d: %s %s%n", run, s.line(), cpuShare(cpu0, now - start));
        }
        Latencies.Summary med = Latencies.medianOf(summaries);
        System.out.printf(Locale.ROOT, "MEDIAN of %d runs: selections/s=%.0f mean=%s p50=%s p90=%s p99=%s max=%s%n",
                runs, Latencies.medianOpsPerSecond(summaries), Latencies.fmt(med.meanNanos()), Latencies.fmt(med.p50()),
                Latencies.fmt(med.p90()), Latencies.fmt(med.p99()), Latencies.fmt(med.max()));
        Latencies.Summary cpu = Latencies.medianOf(cpuSummaries);
        System.out.printf(Locale.ROOT, "  on-CPU time per call (thread CPU time, excludes time descheduled by other load):"
                + " p50=%s p90=%s p99=%s max=%s%n", Latencies.fmt(cpu.p50()), Latencies.fmt(cpu.p90()),
                Latencies.fmt(cpu.p99()), Latencies.fmt(cpu.max()));
        figure(key + ".oncpu_p50_us", Latencies.us(cpu.p50()));
        figure(key + ".oncpu_p99_us", Latencies.us(cpu.p99()));
        if (!kindSummaries.isEmpty()) {
            System.out.println("by kind (median over runs):");
            kindSummaries.forEach((k, l) -> printPart(k.name().toLowerCase(Locale.ROOT), l));
        }
        figure(key + ".ops_per_s", String.format(Locale.ROOT, "%.0f", Latencies.medianOpsPerSecond(summaries)));
        figures(key, med);
        return summaries;
    }

    // ---- where selection time goes ----------------------------------------------------------------------------

    /**
     * For one representative spec per kind: the time of select() as a whole, and of the mapping scans it does per
     * provider (same effective spec and policy as the selector), with the offers each scan examined. The difference
     * is what select() spends outside the scans (candidate and rejection objects, sorting, reason strings).
     */
    private static void breakdown(Catalog catalog, ProviderSelector selector, SelectionPreferences prefs,
            MappingPolicy policy, Random random) {
        System.out.println("\n## Where selection time goes (one spec per kind; on-CPU us per select() call, median of "
                + "200 interleaved repetitions; 'scan' = InstanceTypeMapper.map(explain=false) over every region of the "
                + "provider as select() does it, '(n/N)' = offers the scans examined / offers the provider has; "
                + "'rest' = select() minus the scans: candidates, rejections, sort, reason strings)");
        List<SelectCall> specs = new ArrayList<>();
        specs.add(new SelectCall(Kind.SMALL, ResourceSpec.of(2, 4)));
        for (Kind k : Kind.values()) {
            specs.add(new SelectCall(k, spec(k, random)));
        }
        MappingPolicy effective = prefs.policy().withMaxHourlyUsd(prefs.maxHourlyUsd());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-34s %9s", "spec", "select()"));
        for (Provider p : Provider.values()) {
            header.append(String.format(Locale.ROOT, " %23s", p.id() + " scan(n/N)"));
        }
        header.append(String.format(Locale.ROOT, " %8s", "rest"));
        System.out.println(header);
        int reps = 200;
        Provider[] providers = Provider.values();
        for (SelectCall sc : specs) {
            ResourceSpec spec = sc.spec();
            double[] select = new double[reps];
            double[][] scan = new double[providers.length][reps];
            long[] examined = new long[providers.length];
            int[] offers = new int[providers.length];
            for (int rep = -50; rep < reps; rep++) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                sink += selector.select(spec, prefs, 20, "bench").totalCandidates();
                long c1 = THREADS.getCurrentThreadCpuTime();
                if (rep >= 0) {
                    select[rep] = c1 - c0;
                }
                for (int pi = 0; pi < providers.length; pi++) {
                    Provider p = providers[pi];
                    ProviderCatalog pc = catalog.provider(p);
                    if (spec.requireTee() && !pc.hasTee()) {
                        examined[pi] = -1;
                        continue;
                    }
                    boolean spot = spec.allowSpot() && p != Provider.DIGITALOCEAN && p != Provider.VULTR;
                    ResourceSpec eff = spec.withSpot(spot);
                    long n = 0;
                    int total = 0;
                    long s0 = THREADS.getCurrentThreadCpuTime();
                    for (RegionOffers ro : pc.regions().values()) {
                        n += InstanceTypeMapper.map(ro, eff, effective, 0, false).considered();
                        total += ro.size();
                    }
                    long s1 = THREADS.getCurrentThreadCpuTime();
                    if (rep >= 0) {
                        scan[pi][rep] = s1 - s0;
                    }
                    examined[pi] = n;
                    offers[pi] = total;
                    sink += n;
                }
            }
            double sel = Latencies.median(select);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-34s %9s", describe(spec),
                    Latencies.us(sel)));
            double scans = 0;
            for (int pi = 0; pi < providers.length; pi++) {
                if (examined[pi] < 0) {
                    row.append(String.format(Locale.ROOT, " %23s", "skipped(no TEE)"));
                    continue;
                }
                double t = Latencies.median(scan[pi]);
                scans += t;
                row.append(String.format(Locale.ROOT, " %23s", Latencies.us(t) + "(" + examined[pi] + "/"
                        + offers[pi] + ")"));
            }
            row.append(String.format(Locale.ROOT, " %8s", Latencies.us(Math.max(0, sel - scans))));
            System.out.println(row);
        }
    }

    static String describe(ResourceSpec s) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s vCPU/%s GiB", trim(s.cpu()),
                trim(s.memoryGib())));
        if (s.gpuCount() > 0) {
            b.append(" ").append(s.gpuCount()).append("x GPU").append(s.gpuModel().isEmpty() ? "" : " " + s.gpuModel());
        }
        if (s.requireTee()) {
            b.append(" TEE");
        }
        if (s.allowSpot()) {
            b.append(" spot");
        }
        if (s.architecture() == Architecture.ARM64) {
            b.append(" arm64");
        }
        return b.toString();
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static void figure(String key, Object value) {
        System.out.println("FIGURE inprocess." + key + "=" + value);
    }

    private static void figures(String key, Latencies.Summary m) {
        figure(key + ".p50_us", Latencies.us(m.p50()));
        figure(key + ".p90_us", Latencies.us(m.p90()));
        figure(key + ".p99_us", Latencies.us(m.p99()));
        figure(key + ".max_us", Latencies.us(m.max()));
    }

}

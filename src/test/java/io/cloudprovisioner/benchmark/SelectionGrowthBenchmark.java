package io.cloudprovisioner.benchmark;

import io.cloudprovisioner.api.OfferProtos;
import io.cloudprovisioner.api.ProtoMapper;
import io.cloudprovisioner.api.SelectAnswer;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogLoader;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.catalog.SyntheticCatalog;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.selection.ProviderPreference;
import io.cloudprovisioner.selection.ProviderSelector;
import io.cloudprovisioner.selection.SelectionPreferences;
import io.cloudprovisioner.selection.SelectionResult;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * SelectProvider in process, from selection to serialised answer bytes (what the gRPC service does for a call, less
 * the transport): latency at the bundled catalog (1x) and at a synthetic 10x catalog (every region copied into nine
 * synthetic regions, see {@link SyntheticCatalog}; generated here, never shipped), and bytes allocated per call
 * (ThreadMXBean's per-thread allocation counter) for the per-call conversion with 20 candidates (the answer before
 * this change) against the prebuilt messages with the default 5 candidates.
 *
 * <p>Two preference sets: "all regions" (every provider, every region: the answer's total_candidates and rejections
 * grow with the regions, so its cost must too) and "fixed regions" (three named regions per provider: the same
 * answer at 1x and 10x, so its cost must not grow with the catalog).
 *
 * <p>Usage: {@code SelectionGrowthBenchmark [--runs=5] [--calls=2000] [--factor=10]}.
 */
public final class SelectionGrowthBenchmark {
    static volatile long sink;

    private SelectionGrowthBenchmark() {
    }

    public static void main(String[] argv) {
        BenchArgs args = new BenchArgs(argv);
        int runs = args.integer("runs", 5);
        int calls = args.integer("calls", 2000);
        int factor = args.integer("factor", 10);
        System.out.printf(Locale.ROOT, "# SelectionGrowthBenchmark: runs=%d calls/run=%d factor=%d, load average %.2f%n",
                runs, calls, factor, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Catalog real = CatalogLoader.loadBundled();
        Catalog big = SyntheticCatalog.multiplied(real, factor);
        ResourceSpec spec = ResourceSpec.of(2, 4);
        SelectionPreferences all = prefs(List.of());
        List<ProviderPreference> fixed = new ArrayList<>();
        for (Provider p : Provider.values()) {
            fixed.add(new ProviderPreference(p, real.provider(p).regions().keySet().stream().limit(3).toList(), 0));
        }
        SelectionPreferences few = prefs(fixed);

        double[][] p50 = new double[2][2];
        Catalog[] cats = {real, big};
        String[] names = {"1x", factor + "x"};
        for (int c = 0; c < 2; c++) {
            CatalogStore store = new CatalogStore();
            store.replace(cats[c]);
            ProviderSelector selector = MappingBenchmark.selector(cats[c]);
            OfferProtos protos = new OfferProtos(store);
            Catalog cat = cats[c];
            SelectionPreferences[] ps = {all, few};
            String[] pn = {"all_regions", "fixed_regions"};
            for (int k = 0; k < 2; k++) {
                SelectionPreferences pr = ps[k];
                Supplier<SelectProviderResponse> prebuilt = () -> SelectAnswer.build(
                        selector.select(cat, spec, pr, 5, "bench"), spec, "bench", o -> protos.offer(cat, o),
                        q -> protos.price(cat, q));
                Supplier<SelectProviderResponse> perCall = () -> SelectAnswer.build(
                        selector.select(cat, spec, pr, 20, "bench"), spec, "bench", ProtoMapper::toProto,
                        ProtoMapper::toProto);
                SelectProviderResponse sample = prebuilt.get();
                String key = names[c] + "." + pn[k];
                System.out.printf(Locale.ROOT, "%n## %s: %d offers, %d regions; answer %d candidates of %d, "
                        + "%d rejections, %d bytes (per-call baseline with 20 candidates: %d bytes)%n", key,
                        cat.offerCount(), regions(cat), sample.getCandidatesCount(), sample.getTotalCandidates(),
                        sample.getRejectionsCount(), sample.getSerializedSize(), perCall.get().getSerializedSize());
                if (c == 0 && k == 0) {
                    sourceShare(sample);
                }
                Latencies.Summary s = measure(prebuilt, runs, calls);
                p50[c][k] = s.p50();
                System.out.printf(Locale.ROOT, "prebuilt, max 5: %s%n", s.line());
                figure("growth." + key + ".p50_us", Latencies.us(s.p50()));
                figure("growth." + key + ".p99_us", Latencies.us(s.p99()));
                long before = allocated(perCall, calls);
                long after = allocated(prebuilt, calls);
                System.out.printf(Locale.ROOT, "allocated per call: per-call conversion, 20 candidates %d B; "
                        + "prebuilt messages, 5 candidates %d B%n", before, after);
                figure("alloc." + key + ".per_call_conversion_max20_bytes", before);
                figure("alloc." + key + ".prebuilt_max5_bytes", after);
            }
        }
        double offersRatio = (double) big.offerCount() / real.offerCount();
        for (int k = 0; k < 2; k++) {
            String pn = k == 0 ? "all_regions" : "fixed_regions";
            double ratio = p50[1][k] / p50[0][k];
            figure("growth." + pn + ".p50_ratio_" + names[1] + "_over_1x", String.format(Locale.ROOT, "%.2f", ratio));
            System.out.printf(Locale.ROOT, "NOTE growth %s: catalog x%.1f -> SelectProvider p50 x%.2f (%s)%n", pn,
                    offersRatio, ratio, k == 0 ? "answer grows with the regions: total_candidates and rejections "
                            + "cover every region" : "same answer: " + (ratio < offersRatio / 2 ? "sublinear"
                                    : "NOT sublinear"));
        }
    }

    /** How many of the answer's bytes are repeated price sources (what deduplicating them could save). */
    private static void sourceShare(SelectProviderResponse r) {
        long bytes = 0;
        java.util.Set<String> distinct = new java.util.TreeSet<>();
        for (io.cloudprovisioner.api.v1.Candidate c : r.getCandidatesList()) {
            for (io.cloudprovisioner.api.v1.Price p : List.of(c.getOffer().getOnDemand(), c.getOffer().getSpot(),
                    c.getEffectivePrice())) {
                if (p.hasSource()) {
                    bytes += p.getSource().getSerializedSize() + 2;
                    distinct.add(p.getSource().getId());
                }
            }
        }
        System.out.printf(Locale.ROOT, "price sources in the answer: %d bytes of %d, %d distinct sources %s%n",
                bytes, r.getSerializedSize(), distinct.size(), distinct);
        figure("answer.select_default.bytes", r.getSerializedSize());
        figure("answer.select_default.price_source_bytes", bytes);
    }

    private static SelectionPreferences prefs(List<ProviderPreference> providers) {
        return new SelectionPreferences(providers, List.of(DeploymentType.VM), List.of(DeploymentType.VM), 0, true,
                true, true, MappingPolicy.DEFAULT);
    }

    private static int regions(Catalog cat) {
        int n = 0;
        for (Provider p : Provider.values()) {
            n += cat.provider(p).regions().size();
        }
        return n;
    }

    /** Median over runs of per-call latency (select + answer + serialisation), after a warm-up run. */
    private static Latencies.Summary measure(Supplier<SelectProviderResponse> call, int runs, int calls) {
        List<Latencies.Summary> out = new ArrayList<>();
        for (int r = -1; r < runs; r++) {
            Latencies l = new Latencies(calls);
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                long a = System.nanoTime();
                sink += call.get().toByteArray().length;
                l.add(System.nanoTime() - a);
            }
            if (r >= 0) {
                out.add(l.summary(System.nanoTime() - t0));
            }
        }
        return Latencies.medianOf(out);
    }

    /** Bytes this thread allocates per call (select + answer + serialisation), after a warm-up. */
    private static long allocated(Supplier<SelectProviderResponse> call, int calls) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        for (int i = 0; i < calls; i++) {
            sink += call.get().toByteArray().length;
        }
        long t = Thread.currentThread().getId();
        long a0 = threads.getThreadAllocatedBytes(t);
        for (int i = 0; i < calls; i++) {
            sink += call.get().toByteArray().length;
        }
        return (threads.getThreadAllocatedBytes(t) - a0) / calls;
    }

    private static void figure(String key, Object value) {
        System.out.println("FIGURE inprocess." + key + "=" + value);
    }
}

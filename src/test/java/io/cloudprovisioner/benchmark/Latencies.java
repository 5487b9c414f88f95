package io.cloudprovisioner.benchmark;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A bounded recorder of per-call latencies (nanoseconds) and their summary. Not thread-safe; the gRPC load benchmark
 * wraps it in its own synchronisation. Percentiles are nearest-rank over every recorded call (no sampling, no
 * histogram buckets).
 */
final class Latencies {
    private final long[] values;
    private int size;

    Latencies(int capacity) {
        values = new long[capacity];
    }

    /** Records one latency; returns false (and records nothing) when full. */
    boolean add(long nanos) {
        if (size == values.length) {
            return false;
        }
        values[size++] = nanos;
        return true;
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == values.length;
    }

    void clear() {
        size = 0;
    }

    /** Summary of the recorded calls over a measured wall-clock span. */
    Summary summary(long wallNanos) {
        long[] s = Arrays.copyOf(values, size);
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) {
            sum += v;
        }
        return new Summary(size, wallNanos, size == 0 ? 0 : sum / size, rank(s, 0.50), rank(s, 0.90), rank(s, 0.99),
                rank(s, 0.999), size == 0 ? 0 : s[size - 1]);
    }

    private static long rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** One measured run: call count, wall time, mean and nearest-rank percentiles, all in nanoseconds. */
    record Summary(int calls, long wallNanos, double meanNanos, long p50, long p90, long p99, long p999, long max) {
        double opsPerSecond() {
            return wallNanos == 0 ? 0 : calls * 1e9 / wallNanos;
        }

        String line() {
            return String.format(Locale.ROOT,
                    "calls=%d ops/s=%.0f mean=%s p50=%s p90=%s p99=%s p99.9=%s max=%s", calls, opsPerSecond(),
                    fmt(meanNanos), fmt(p50), fmt(p90), fmt(p99), fmt(p999), fmt(max));
        }
    }

    /** The median, over several runs, of each figure separately (so the result is not one particular run). */
    static Summary medianOf(List<Summary> runs) {
        return new Summary((int) median(runs, Summary::calls), (long) median(runs, Summary::wallNanos),
                median(runs, Summary::meanNanos), (long) median(runs, Summary::p50), (long) median(runs, Summary::p90),
                (long) median(runs, Summary::p99), (long) median(runs, Summary::p999),
                (long) median(runs, Summary::max));
    }

    static double medianOpsPerSecond(List<Summary> runs) {
        return median(runs, Summary::opsPerSecond);
    }

    static double median(List<Summary> runs, ToDoubleFunction<Summary> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Nanoseconds in a human unit: ns below 10 µs is shown as µs with decimals, ms above 10 ms. */
    static String fmt(double nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }

    /** Nanoseconds as microseconds, for the machine-readable FIGURE lines. */
    static String us(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }
}

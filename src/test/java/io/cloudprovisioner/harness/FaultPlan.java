package io.cloudprovisioner.harness;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Faults queued per operation (the provider's own operation name: "RunInstances", "instances.insert",
 * "virtualMachines.createOrUpdate", "droplets.create", "instances.create", ...). Each call of that operation takes
 * the next queued fault, if any. Thread-safe; counts what was injected.
 */
public final class FaultPlan {
    private final Map<String, Deque<Fault>> queued = new HashMap<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private volatile long slowDelayMillis = 1500;
    private final Map<String, Map<Fault, Double>> random = new HashMap<>();
    private final Map<String, java.util.Set<Hostile>> hostile = new HashMap<>();
    private java.util.Random rng = new java.util.Random(1);

    /**
     * Besides queued faults, each call of {@code operation} draws a fault at random with the given probabilities
     * (their sum at most 1), from a seeded generator so that a run can be repeated.
     */
    public synchronized FaultPlan randomly(String operation, Map<Fault, Double> probabilities, long seed) {
        random.put(operation, new EnumMap<>(probabilities));
        rng = new java.util.Random(seed);
        return this;
    }

    /** Queues {@code fault} for the next {@code times} calls of {@code operation}. */
    public synchronized FaultPlan inject(String operation, Fault fault, int times) {
        Deque<Fault> q = queued.computeIfAbsent(operation, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.addLast(fault);
        }
        return this;
    }

    /** The fault for this call of {@code operation}, consumed; empty when none is queued. */
    public synchronized Optional<Fault> next(String operation) {
        Deque<Fault> q = queued.get(operation);
        if (q == null || q.isEmpty()) {
            Map<Fault, Double> p = random.get(operation);
            if (p == null) {
                return Optional.empty();
            }
            double x = rng.nextDouble();
            for (Map.Entry<Fault, Double> e : p.entrySet()) {
                x -= e.getValue();
                if (x < 0) {
                    injected.merge(e.getKey(), 1, Integer::sum);
                    return Optional.of(e.getKey());
                }
            }
            return Optional.empty();
        }
        Fault f = q.removeFirst();
        injected.merge(f, 1, Integer::sum);
        return Optional.of(f);
    }

    /** Answers every coming call of the listing {@code operation} in the hostile {@code mode} (until cleared). */
    public synchronized FaultPlan hostile(String operation, Hostile mode) {
        hostile.computeIfAbsent(operation, k -> java.util.EnumSet.noneOf(Hostile.class)).add(mode);
        return this;
    }

    /** Whether calls of {@code operation} are answered in the hostile {@code mode}. */
    public synchronized boolean isHostile(String operation, Hostile mode) {
        return hostile.getOrDefault(operation, java.util.Set.of()).contains(mode);
    }

    /** {@code items}, each listed twice (next to itself) when {@code operation} is answered in the DUPLICATES mode. */
    public <T> java.util.List<T> maybeTwice(String operation, java.util.List<? extends T> items) {
        java.util.List<T> out = new java.util.ArrayList<>(items.size() * 2);
        boolean twice = isHostile(operation, Hostile.DUPLICATES);
        for (T i : items) {
            out.add(i);
            if (twice) {
                out.add(i);
            }
        }
        return out;
    }

    public synchronized Map<Fault, Integer> injectedCounts() {
        return Map.copyOf(injected);
    }

    public long slowDelayMillis() {
        return slowDelayMillis;
    }

    public void slowDelayMillis(long millis) {
        this.slowDelayMillis = millis;
    }

    public synchronized void clear() {
        queued.clear();
        injected.clear();
        random.clear();
        hostile.clear();
    }
}

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
            return Optional.empty();
        }
        Fault f = q.removeFirst();
        injected.merge(f, 1, Integer::sum);
        return Optional.of(f);
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
    }
}

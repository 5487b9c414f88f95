package io.cloudprovisioner.ledger;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fault injection for crash-safety tests and the chaos run: at a named point of the provisioning path the process
 * halts at once (no shutdown hooks, no ledger update), as a kill would. Off unless
 * {@code cloudprovisioner.chaos.crash-points} names points with a probability, e.g.
 * {@code after-create:0.05,before-create:0.02,after-terminate:0.05}. Points: before-create (intent and attempt
 * recorded, cloud not yet called), after-create (the cloud created the instance, the ledger does not know yet),
 * after-terminate (the cloud terminated it, the ledger does not know yet).
 */
@Singleton
public class CrashPoints {
    private static final Logger LOG = Logger.getLogger(CrashPoints.class);
    private final Map<String, Double> points = new TreeMap<>();

    public CrashPoints(@ConfigProperty(name = "cloudprovisioner.chaos.crash-points") Optional<String> spec) {
        spec.filter(s -> !s.isBlank()).ifPresent(s -> {
            for (String part : s.split(",")) {
                String[] kv = part.trim().split(":");
                if (kv.length != 2) {
                    throw new IllegalArgumentException("cloudprovisioner.chaos.crash-points: expected point:probability,"
                            + " got '" + part.trim() + "'");
                }
                points.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
            }
            LOG.warnf("chaos: crash points armed %s: this process will halt itself at random", points);
        });
    }

    /** Halts the process with probability configured for {@code point}. */
    public void reached(String point) {
        if (points.isEmpty()) {
            return;
        }
        Double p = points.get(point);
        if (p != null && ThreadLocalRandom.current().nextDouble() < p) {
            LOG.errorf("chaos: crash point %s reached: halting now", point);
            Runtime.getRuntime().halt(137);
        }
    }
}

package io.cloudprovisioner.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.harness.Fault;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A small chaos run in every CI build (the full one, 1,000 provisions and at least 20 crashes, is
 * {@code bench/chaos.sh}; its figures are in the README): the same harness, the same checks.
 */
public class ChaosIT {
    @Test
    void nothingLostNothingDuplicatedUnderFaultsAndCrashes() throws Exception {
        ChaosRun.Settings s = new ChaosRun.Settings(120, 5, 4, 7, "embedded", 0.01, 1.0, 3,
                Path.of("target/chaos-it"));
        ChaosRun.Result r = new ChaosRun(s).run();
        ChaosRun.print(s, r);
        assertTrue(r.crashes() >= 5, "crashes: " + r.crashes());
        assertTrue(r.injected().getOrDefault(Fault.LOST_RESPONSE, 0) > 0 || r.injected().size() >= 3,
                "faults were injected: " + r.injected());
        assertEquals(0, r.orphansLeft(), "instances without a live ledger record");
        assertEquals(3, r.orphansSwept(), "the planted orphans were swept: " + r.sweep());
        assertEquals(1, r.foreignLeft(), "an instance not managed by the service is never touched");
        assertEquals(0, r.duplicates(), "request ids with two instances");
        assertEquals(0, r.notFinal(), "records not in a final state");
        assertEquals(0, r.liveAfter(), "everything created was terminated");
        assertEquals(r.provisions(), r.recordsTotal(), "one record per request id");
    }
}

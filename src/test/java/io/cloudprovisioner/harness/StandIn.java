package io.cloudprovisioner.harness;

import java.util.List;

/**
 * A local HTTP stand-in for one cloud, built on WireMock and bound to 127.0.0.1: it speaks the provider's real wire
 * protocol, keeps state (create → pending → running → terminated; list and get reflect it), injects faults per call
 * and validates every request it receives against the provider's published API description. The five stand-ins
 * (harness/aws, gcp, azure, digitalocean, vultr) implement this alike.
 */
public interface StandIn extends AutoCloseable {
    /** Base URL to configure the adapter with. */
    String baseUrl();

    /** Faults to inject into coming calls. */
    FaultPlan faults();

    /** Every request received, in order, as the adapter sent it. */
    List<RecordedCall> calls();

    /**
     * Every way a received request broke the provider's published spec; a test that passes traffic through a
     * stand-in asserts this is empty.
     */
    List<String> specViolations();

    /** Instances currently held (not yet deleted), for leak checks. */
    int liveInstances();

    /** Forgets all state, recorded calls, violations and queued faults. */
    void reset();

    @Override
    void close();

    /**
     * One received request.
     *
     * @param operation the provider's operation name, as used by {@link FaultPlan}
     * @param body the raw body ("" when none); for EC2 the form-encoded query
     */
    record RecordedCall(String operation, String method, String path, String query, String body) {
    }

    /**
     * A fresh embedded ledger directory for one application start: each stand-in resource gives its application
     * its own ledger, so request ids used by one provider's tests never meet another's.
     */
    public static String freshLedgerDir() {
        return "./target/test-ledger/" + java.util.UUID.randomUUID();
    }
}

package io.cloudprovisioner.ledger;

/**
 * Where a provisioning request stands in the ledger. CREATING and TERMINATING are the only states in which a
 * node is working on the record; the others wait for a caller (RUNNING) or are final.
 */
public enum RecordState {
    /** Intent recorded; a cloud call is (or was, before a crash) under way. */
    CREATING,
    /** The cloud created the instance. */
    RUNNING,
    /** Termination requested; the cloud call is (or was) under way. */
    TERMINATING,
    /** Terminated through this service. Final. */
    TERMINATED,
    /** Every attempt failed; the error is recorded. Final, but a retryable failure may be retried with the id. */
    FAILED,
    /** The instance disappeared from the cloud without being terminated through this service. Final. */
    VANISHED;

    public boolean isFinal() {
        return this == TERMINATED || this == FAILED || this == VANISHED;
    }

    /** Whether a node is working on the record (its owner column names it). */
    public boolean inProgress() {
        return this == CREATING || this == TERMINATING;
    }
}

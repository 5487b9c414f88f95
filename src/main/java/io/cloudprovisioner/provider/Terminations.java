package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;

/**
 * A termination as the cloud confirms it, the same for every provider: the delete is asked for, and unless its
 * answer already says terminated / shutting down / deleted, the instance is read back. Confirmed when the cloud
 * reports it {@link InstanceStatus#TERMINATED} or no longer has it (NOT_FOUND after the delete was accepted);
 * otherwise the cloud is still working on it and the caller keeps the record TERMINATING.
 */
public final class Terminations {
    private Terminations() {
    }

    /**
     * @param seen the instance as last seen ({@link #gone} when the cloud no longer has it)
     * @param confirmed whether the cloud confirmed the termination
     */
    public record Outcome(Instance seen, boolean confirmed) {
    }

    /**
     * Deletes an instance known to exist (the ledger's, or one just described) and checks the result. A NOT_FOUND
     * from the delete means it is gone already (deleted by an earlier attempt or by someone else).
     */
    public static Outcome terminate(ProviderAdapter a, String region, String instanceId) {
        Instance answer;
        try {
            answer = a.terminate(region, instanceId);
        } catch (ProviderException e) {
            if (e.errorClass() == ErrorClass.NOT_FOUND) {
                return new Outcome(gone(a, region, instanceId), true);
            }
            throw e;
        }
        if (answer.status() == InstanceStatus.TERMINATED) {
            return new Outcome(answer, true);
        }
        return check(a, region, instanceId, answer);
    }

    /**
     * Reads an instance whose delete was accepted. A read that fails retryably leaves it unconfirmed ({@code
     * accepted} as seen) when there is an accepted answer to fall back on; otherwise the error is thrown.
     */
    public static Outcome check(ProviderAdapter a, String region, String instanceId, Instance accepted) {
        try {
            Instance now = a.describe(region, instanceId);
            return new Outcome(now, now.status() == InstanceStatus.TERMINATED);
        } catch (ProviderException e) {
            if (e.errorClass() == ErrorClass.NOT_FOUND) {
                return new Outcome(gone(a, region, instanceId), true);
            }
            if (accepted != null && e.retryable()) {
                return new Outcome(accepted, false);
            }
            throw e;
        }
    }

    /** An instance the cloud no longer has. */
    public static Instance gone(ProviderAdapter a, String region, String instanceId) {
        return new Instance(instanceId, a.provider(), "", region, "", "", "", InstanceStatus.TERMINATED, "", null,
                null, false, "");
    }
}

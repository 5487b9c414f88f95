package io.cloudprovisioner.provisioning;

import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.ledger.Attempt;
import io.cloudprovisioner.ledger.LedgerRecord;
import java.util.List;

/**
 * How a provision ended: an instance created by this call ({@code created}, priced by {@code offer}), or the ledger's
 * record of an earlier call with the same request id ({@code replayed}).
 *
 * @param requestId the caller's client_request_id
 * @param requestKey the ledger key (the id scoped to the caller)
 * @param created the instance this call created, else null
 * @param offer the offer it was created from (for its price), may be null
 * @param spot whether it was asked for as spot
 * @param replayed the earlier call's record, else null
 * @param attempts every attempt recorded for the request id, earlier calls' included
 */
public record ProvisionResult(String requestId, String requestKey, Instance created, Offer offer, boolean spot,
        LedgerRecord replayed, List<Attempt> attempts) {

    /** Whether this is an earlier call's outcome. */
    public boolean isReplay() {
        return replayed != null;
    }

    /** The instance's provider id (created or replayed). */
    public String instanceId() {
        return created != null ? created.id() : replayed.instanceId();
    }
}

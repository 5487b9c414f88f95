package io.cloudprovisioner.selection;

import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceQuote;
import io.cloudprovisioner.domain.DeploymentType;

/** A provider / region / type that satisfies the request, with the price ranked on. */
public record Candidate(int rank, Offer offer, DeploymentType deploymentType, PriceQuote effectivePrice,
        boolean spot, int providerPriority, String reason) {

    Candidate withRank(int r, String why) {
        return new Candidate(r, offer, deploymentType, effectivePrice, spot, providerPriority, why);
    }
}

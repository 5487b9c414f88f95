package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.time.Instant;

/**
 * The last refresh of one live price source.
 *
 * @param lastAttempt when a fetch was last tried (null: never)
 * @param lastSuccess when a fetch last succeeded (null: never; the bundled prices are in force)
 * @param outcome of the last attempt
 * @param detail why the last attempt failed or was skipped: an error class and provider code, never a message
 *        that could quote a secret; empty on success
 * @param applied offers priced by this source's last good fetch
 * @param ignored prices of that fetch for a (type, region) the catalog does not offer
 * @param discovery the source is a provider listing that adds and retires types ({@link LiveDiscoverySource})
 * @param addedTypes types the last good listing added to the bundled catalog
 * @param retiredTypes bundled types it no longer names anywhere (kept as retired: listed, never chosen)
 * @param addedOffers (type, region) offers it added
 * @param removedOffers bundled offers it no longer lists in a region it covers
 */
public record RefreshStatus(Provider provider, String sourceId, Instant lastAttempt, Instant lastSuccess,
        Outcome outcome, String detail, int applied, int ignored, boolean discovery, int addedTypes,
        int retiredTypes, int addedOffers, int removedOffers) {

    public enum Outcome {
        NEVER, OK, FAILED, NOT_CONFIGURED
    }
}

package io.cloudprovisioner.catalog;

import java.util.List;
import java.util.Set;

/**
 * A provider listing that is authoritative for what the provider offers (DigitalOcean /v2/sizes, Vultr /plans):
 * besides prices it names the types and the regions each is offered in, so a refresh adds new types and regions
 * and retires types the listing no longer names in a region it covers ({@link ProviderCatalog#withDiscovery}).
 * Blocking, called from the refresher's worker thread only; throws on any failure (the last good data stays).
 */
public interface LiveDiscoverySource extends LivePriceSource {

    /** The provider's current listing; never empty (an empty answer is a failure, not "nothing offered"). */
    LiveListing discover();

    /** The listing's priced offerings in {@code regions}. */
    @Override
    default List<LivePrice> fetch(Set<String> regions) {
        return discover().offerings().stream().filter(p -> regions.contains(p.region())).toList();
    }
}

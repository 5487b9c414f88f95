package io.cloudprovisioner.catalog;

import java.util.List;

/**
 * What a provider's own listing says it offers now: its instance types (figures already checked against the
 * sanity ranges of {@link io.cloudprovisioner.provider.ProviderAnswers}) and every (type, region) it lists, priced
 * where the listing gives a price (NaN figures: listed, price unknown; such an offer is listed but never picked).
 *
 * @param types the types the listing names, as the catalog would hold them (specSource = the source's id)
 * @param offerings one entry per (type, region) the listing names
 */
public record LiveListing(List<InstanceTypeSpec> types, List<LivePrice> offerings) {
    public LiveListing {
        types = List.copyOf(types);
        offerings = List.copyOf(offerings);
    }
}

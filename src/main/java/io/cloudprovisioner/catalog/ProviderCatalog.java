package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/** Everything the catalog knows about one provider. Immutable. */
public final class ProviderCatalog {
    private final Provider provider;
    private final SortedMap<String, InstanceTypeSpec> types;
    private final SortedMap<String, RegionOffers> regions;
    private final List<PriceSource> sources;

    ProviderCatalog(Provider provider, SortedMap<String, InstanceTypeSpec> types,
            SortedMap<String, RegionOffers> regions, List<PriceSource> sources) {
        this.provider = provider;
        this.types = Collections.unmodifiableSortedMap(types);
        this.regions = Collections.unmodifiableSortedMap(regions);
        this.sources = List.copyOf(sources);
    }

    public Provider provider() {
        return provider;
    }

    public Map<String, InstanceTypeSpec> types() {
        return types;
    }

    public Optional<InstanceTypeSpec> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    /** Regions, sorted by id. */
    public Map<String, RegionOffers> regions() {
        return regions;
    }

    public Optional<RegionOffers> region(String region) {
        return Optional.ofNullable(regions.get(region));
    }

    /** Every source (spec, price, offering) this provider's figures came from. */
    public List<PriceSource> sources() {
        return sources;
    }

    public boolean hasSpotPrices() {
        return regions.values().stream().anyMatch(r -> r.sorted(false).stream().anyMatch(o -> o.spot() != null));
    }

    public boolean hasTee() {
        return types.values().stream().anyMatch(t -> !t.tee().isEmpty());
    }

    public boolean hasGpus() {
        return types.values().stream().anyMatch(t -> t.gpuCount() > 0);
    }

    public boolean monthlyBilling() {
        return regions.values().stream()
                .anyMatch(r -> r.sorted(false).stream().anyMatch(o -> o.onDemand() != null
                        && o.onDemand().normalisedFromMonthly()));
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The whole catalog: one {@link ProviderCatalog} per provider. Immutable; replaced as a whole on refresh. */
public final class Catalog {
    private final Map<Provider, ProviderCatalog> providers;
    private final Map<String, PriceSource> sources;
    /** Spot advice by provider, then "region|type"; read on first use (only spot answers need it), then kept. */
    private final java.util.function.Supplier<Map<Provider, Map<String, SpotAdvice>>> spotAdvice;

    Catalog(Map<Provider, ProviderCatalog> providers, Map<String, PriceSource> sources) {
        this(providers, sources, Map::of);
    }

    Catalog(Map<Provider, ProviderCatalog> providers, Map<String, PriceSource> sources,
            java.util.function.Supplier<Map<Provider, Map<String, SpotAdvice>>> spotAdvice) {
        this.providers = new EnumMap<>(providers);
        this.sources = Map.copyOf(sources);
        this.spotAdvice = spotAdvice;
    }

    /** What {@code provider} publishes about spot capacity of {@code type} in {@code region}, if the catalog has it. */
    public Optional<SpotAdvice> spotAdvice(Provider provider, String region, String type) {
        Map<String, SpotAdvice> m = spotAdvice.get().get(provider);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(region + "|" + type));
    }

    public ProviderCatalog provider(Provider provider) {
        ProviderCatalog pc = providers.get(provider);
        if (pc == null) {
            throw new IllegalStateException("catalog has no data for " + provider);
        }
        return pc;
    }

    public Optional<PriceSource> source(String id) {
        return Optional.ofNullable(sources.get(id));
    }

    public int offerCount() {
        return providers.values().stream()
                .mapToInt(p -> p.regions().values().stream().mapToInt(RegionOffers::size).sum()).sum();
    }

    /** This catalog with {@code pc} in place of its provider's catalog; pc's sources join {@link #source}. */
    Catalog withProvider(ProviderCatalog pc) {
        Map<Provider, ProviderCatalog> ps = new EnumMap<>(providers);
        ps.put(pc.provider(), pc);
        Map<String, PriceSource> ss = new HashMap<>(sources);
        pc.sources().forEach(s -> ss.put(s.id(), s));
        return new Catalog(ps, ss, spotAdvice);
    }
}

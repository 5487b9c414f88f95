package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A synthetic catalog for growth benchmarks only (never shipped, never priced as real): every real region of every
 * provider is copied into {@code factor - 1} synthetic regions named {@code <region>-synN}, each with the same types
 * at the real prices times {@code 1 + 0.013 N} (so the synthetic regions never undercut the real ones and the
 * cheapest answers stay those of the real catalog). The result has {@code factor} times the offers.
 */
public final class SyntheticCatalog {
    private SyntheticCatalog() {
    }

    public static Catalog multiplied(Catalog real, int factor) {
        Catalog out = real;
        for (Provider p : Provider.values()) {
            ProviderCatalog pc = real.provider(p);
            SortedMap<String, RegionOffers> regions = new TreeMap<>(pc.regions());
            for (RegionOffers ro : pc.regions().values()) {
                for (int n = 1; n < factor; n++) {
                    String name = ro.region() + "-syn" + n;
                    double k = 1 + 0.013 * n;
                    List<Offer> offers = new ArrayList<>(ro.size());
                    for (Offer o : ro.sorted(false)) {
                        offers.add(new Offer(o.type(), name, scaled(o.onDemand(), k), scaled(o.spot(), k),
                                o.availabilityConfirmed()));
                    }
                    regions.put(name, new RegionOffers(name, offers));
                }
            }
            out = out.withProvider(new ProviderCatalog(p, new TreeMap<>(pc.types()), regions, pc.sources()));
        }
        return out;
    }

    private static PriceQuote scaled(PriceQuote q, double k) {
        return q == null ? null : new PriceQuote(q.usdPerHour() * k, q.source(), q.normalisedFromMonthly(),
                q.usdPerMonth() * k);
    }
}

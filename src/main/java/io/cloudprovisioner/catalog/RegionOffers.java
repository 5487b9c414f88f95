package io.cloudprovisioner.catalog;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offers of one provider in one region, pre-sorted twice (by on-demand price and by the price a caller
 * who accepts spot pays) so that a cheapest-fit search can stop at the first satisfying offer.
 */
public final class RegionOffers {
    private final String region;
    private final Offer[] byOnDemand;
    private final Offer[] bySpot;
    private final Map<String, Offer> byName;

    RegionOffers(String region, List<Offer> offers) {
        this.region = region;
        this.byOnDemand = offers.toArray(new Offer[0]);
        this.bySpot = offers.toArray(new Offer[0]);
        Arrays.sort(byOnDemand, order(false));
        Arrays.sort(bySpot, order(true));
        Map<String, Offer> names = new HashMap<>();
        for (Offer o : offers) {
            names.put(o.type().name(), o);
        }
        this.byName = Collections.unmodifiableMap(names);
    }

    /**
     * The deterministic order of the catalog: effective hourly price (unknown last), then fewer vCPUs, then less
     * memory, then name.
     */
    public static Comparator<Offer> order(boolean spotAllowed) {
        return Comparator.<Offer>comparingDouble(o -> o.effectiveUsdPerHour(spotAllowed))
                .thenComparingDouble(o -> o.type().vcpus())
                .thenComparingDouble(o -> o.type().memoryGib())
                .thenComparing(o -> o.type().name());
    }

    public String region() {
        return region;
    }

    /** Offers, cheapest first by the price the caller would pay. */
    public List<Offer> sorted(boolean spotAllowed) {
        return Collections.unmodifiableList(Arrays.asList(spotAllowed ? bySpot : byOnDemand));
    }

    Offer[] sortedArray(boolean spotAllowed) {
        return spotAllowed ? bySpot : byOnDemand;
    }

    public Offer offer(String instanceType) {
        return byName.get(instanceType);
    }

    public int size() {
        return byOnDemand.length;
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Architecture;
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
    /** Per (architecture, has GPU, has TEE) bucket, the offers in each of the two price orders. */
    private final Bucket[] bucketsOnDemand = new Bucket[BUCKETS];
    private final Bucket[] bucketsSpot = new Bucket[BUCKETS];
    private final double maxVcpus;
    private final double maxMemoryGib;
    private final int maxGpus;
    private final boolean tee;

    private static final int BUCKETS = Architecture.values().length * 4;

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
        for (int b = 0; b < BUCKETS; b++) {
            final int bucket = b;
            bucketsOnDemand[b] = new Bucket(Arrays.stream(byOnDemand).filter(o -> bucket(o.type()) == bucket)
                    .toArray(Offer[]::new), false);
            bucketsSpot[b] = new Bucket(Arrays.stream(bySpot).filter(o -> bucket(o.type()) == bucket)
                    .toArray(Offer[]::new), true);
        }
        double cpu = 0;
        double mem = 0;
        int gpus = 0;
        boolean anyTee = false;
        for (Offer o : offers) {
            if (o.priced() && !o.type().retired()) {
                cpu = Math.max(cpu, o.type().vcpus());
                mem = Math.max(mem, o.type().memoryGib());
                gpus = Math.max(gpus, o.type().gpuCount());
                anyTee |= !o.type().tee().isEmpty();
            }
        }
        this.maxVcpus = cpu;
        this.maxMemoryGib = mem;
        this.maxGpus = gpus;
        this.tee = anyTee;
    }

    private static int bucket(InstanceTypeSpec t) {
        return bucket(t.architecture(), t.gpuCount() > 0, !t.tee().isEmpty());
    }

    static int bucket(Architecture arch, boolean gpu, boolean tee) {
        return arch.ordinal() * 4 + (gpu ? 2 : 0) + (tee ? 1 : 0);
    }

    /** The offers of one (architecture, GPU, TEE) bucket, cheapest first by the price the caller pays. */
    Bucket bucket(boolean spotAllowed, Architecture arch, boolean gpu, boolean tee) {
        return (spotAllowed ? bucketsSpot : bucketsOnDemand)[bucket(arch, gpu, tee)];
    }

    /**
     * Offers of one bucket in price order, with their price, vCPUs and memory also in primitive arrays so that a
     * scan can skip offers that are too small without touching the offer objects.
     */
    static final class Bucket {
        final Offer[] offers;
        final double[] price;
        final double[] vcpus;
        final double[] memoryGib;

        Bucket(Offer[] offers, boolean spotAllowed) {
            this.offers = offers;
            price = new double[offers.length];
            vcpus = new double[offers.length];
            memoryGib = new double[offers.length];
            for (int i = 0; i < offers.length; i++) {
                price[i] = offers[i].effectiveUsdPerHour(spotAllowed);
                vcpus[i] = offers[i].type().vcpus();
                memoryGib[i] = offers[i].type().memoryGib();
            }
        }
    }

    /** Most vCPUs of a priced, current offer (0 when none). */
    public double maxVcpus() {
        return maxVcpus;
    }

    /** Most memory of a priced, current offer, GiB. */
    public double maxMemoryGib() {
        return maxMemoryGib;
    }

    /** Most GPUs of a priced, current offer. */
    public int maxGpus() {
        return maxGpus;
    }

    /** Whether a priced, current offer has a TEE technology. */
    public boolean hasTee() {
        return tee;
    }

    /** A region with no offers (a region name the catalog does not know). */
    public static RegionOffers empty(String region) {
        return new RegionOffers(region, List.of());
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

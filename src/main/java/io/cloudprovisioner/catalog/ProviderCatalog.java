package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

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

    private volatile PriceFreshness freshness;

    /** How old this provider's prices are (computed once per catalog). */
    public PriceFreshness priceFreshness() {
        PriceFreshness f = freshness;
        if (f == null) {
            int prices = 0;
            int stale = 0;
            int undated = 0;
            java.time.Instant oldest = null;
            java.time.Instant newest = null;
            String oldestText = "";
            String newestText = "";
            for (RegionOffers ro : regions.values()) {
                for (Offer o : ro.sortedArray(false)) {
                    for (PriceQuote q : new PriceQuote[] {o.onDemand(), o.spot()}) {
                        if (q == null) {
                            continue;
                        }
                        prices++;
                        PriceSource s = q.source();
                        if (s.stale()) {
                            stale++;
                        }
                        java.util.Optional<java.time.Instant> t = Staleness.instant(s.asOf());
                        if (t.isEmpty()) {
                            undated++;
                            continue;
                        }
                        if (oldest == null || t.get().isBefore(oldest)) {
                            oldest = t.get();
                            oldestText = s.asOf();
                        }
                        if (newest == null || t.get().isAfter(newest)) {
                            newest = t.get();
                            newestText = s.asOf();
                        }
                    }
                }
            }
            f = new PriceFreshness(prices, stale, undated, oldestText, newestText);
            freshness = f;
        }
        return f;
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

    /**
     * This provider's catalog with {@code prices} from {@code source} in place of the quotes they cover: a live
     * price replaces the quote of the same (type, region) offer only (on-demand and spot separately); offers of
     * types or regions the catalog does not know are never added, and figures the feed lacks (NaN) keep the quote
     * already there. A matched offer whose availability the catalog only inferred becomes confirmed. The source joins {@link #sources()} (replacing an older one with the same id).
     */
    LiveApplication withLivePrices(PriceSource source, Collection<LivePrice> prices) {
        Map<String, Map<String, LivePrice>> byRegion = new HashMap<>();
        for (LivePrice p : prices) {
            byRegion.computeIfAbsent(p.region(), k -> new HashMap<>()).put(p.instanceType(), p);
        }
        SortedMap<String, RegionOffers> out = new TreeMap<>(regions);
        int applied = 0;
        int ignored = 0;
        for (Map.Entry<String, Map<String, LivePrice>> e : byRegion.entrySet()) {
            RegionOffers ro = regions.get(e.getKey());
            Map<String, LivePrice> live = e.getValue();
            if (ro == null) {
                ignored += live.size();
                continue;
            }
            List<Offer> offers = new ArrayList<>(ro.size());
            int matched = 0;
            int changed = 0;
            for (Offer o : ro.sortedArray(false)) {
                LivePrice lp = live.get(o.type().name());
                Offer n = o;
                if (lp != null) {
                    matched++;
                    n = withLive(o, lp, source);
                    if (n != o) {
                        changed++;
                    }
                }
                offers.add(n);
            }
            ignored += live.size() - matched;
            if (changed > 0) {
                applied += changed;
                out.put(e.getKey(), new RegionOffers(e.getKey(), offers));
            }
        }
        List<PriceSource> srcs = new ArrayList<>();
        for (PriceSource s : sources) {
            if (!s.id().equals(source.id())) {
                srcs.add(s);
            }
        }
        srcs.add(source);
        srcs.sort((a, b) -> a.id().compareTo(b.id()));
        return new LiveApplication(new ProviderCatalog(provider, new TreeMap<>(types), out, srcs), applied, ignored);
    }

    private static Offer withLive(Offer o, LivePrice lp, PriceSource source) {
        PriceQuote onDemand = o.onDemand();
        if (LivePrice.usable(lp.onDemandUsdPerHour())) {
            onDemand = new PriceQuote(lp.onDemandUsdPerHour(), source, false,
                    LivePrice.usable(lp.usdPerMonth()) ? lp.usdPerMonth() : 0);
        } else if (LivePrice.usable(lp.usdPerMonth())) {
            onDemand = new PriceQuote(lp.usdPerMonth() / PriceQuote.HOURS_PER_MONTH, source, true, lp.usdPerMonth());
        }
        PriceQuote spot = o.spot();
        if (LivePrice.usable(lp.spotUsdPerHour())) {
            spot = new PriceQuote(lp.spotUsdPerHour(), source, false, 0);
        }
        // The provider's own listing names the type in the region: an offer the catalog only inferred is confirmed
        // (only DigitalOcean offers are ever unconfirmed; its /v2/sizes lists the regions a size is available in).
        return onDemand == o.onDemand() && spot == o.spot() && o.availabilityConfirmed() ? o
                : new Offer(o.type(), o.region(), onDemand, spot, true);
    }

    /**
     * This provider's catalog as {@code listing} says it is now. Types the listing names and the catalog lacks are
         * added (their figures from the listing); a type named only in offerings is offered if the catalog knows it; a retired type the listing names again is current again. In every
     * region the listing names at least once, the offers are exactly the (type, region) pairs it lists: a new pair
     * becomes an offer without a price (priced by {@link #withLivePrices} when the listing quotes one, else listed
     * but never picked), an offer it no longer lists is removed. Regions the listing never names keep their offers
     * (an absent region is no evidence). A type left without any offer is kept as retired (listed, never chosen).
     * The catalog itself is never changed; the caller swaps the result in as a whole.
     */
    DiscoveryApplication withDiscovery(LiveListing listing) {
        SortedMap<String, InstanceTypeSpec> ts = new TreeMap<>(types);
        int addedTypes = 0;
        Map<String, InstanceTypeSpec> listed = new HashMap<>();
        for (InstanceTypeSpec t : listing.types()) {
            if (t.provider() != provider) {
                continue;
            }
            InstanceTypeSpec known = ts.get(t.name());
            InstanceTypeSpec now = known == null ? t : known.retired() ? unretired(known, false) : known;
            if (known == null) {
                addedTypes++;
            }
            ts.put(t.name(), now);
            listed.put(t.name(), now);
        }
        Map<String, java.util.Set<String>> listedByRegion = new TreeMap<>();
        for (LivePrice p : listing.offerings()) {
            InstanceTypeSpec known = ts.get(p.instanceType());
            if (known != null && !listed.containsKey(p.instanceType())) {
                // listed without figures the catalog could take (e.g. a GPU count the listing omits): still offered
                InstanceTypeSpec now = known.retired() ? unretired(known, false) : known;
                ts.put(p.instanceType(), now);
                listed.put(p.instanceType(), now);
            }
            if (listed.containsKey(p.instanceType())) {
                listedByRegion.computeIfAbsent(p.region(), k -> new java.util.TreeSet<>()).add(p.instanceType());
            }
        }
        java.util.Set<String> offeredBefore = new java.util.HashSet<>();
        regions.values().forEach(r -> r.sorted(false).forEach(o -> offeredBefore.add(o.type().name())));
        SortedMap<String, RegionOffers> out = new TreeMap<>();
        java.util.Set<String> offered = new java.util.HashSet<>();
        int addedOffers = 0;
        int removedOffers = 0;
        java.util.Set<String> allRegions = new java.util.TreeSet<>(regions.keySet());
        allRegions.addAll(listedByRegion.keySet());
        for (String region : allRegions) {
            RegionOffers ro = regions.get(region);
            java.util.Set<String> names = listedByRegion.get(region);
            List<Offer> offers = new ArrayList<>();
            boolean changed = false;
            if (ro != null) {
                for (Offer o : ro.sortedArray(false)) {
                    if (names != null && !names.contains(o.type().name())) {
                        removedOffers++;
                        changed = true;
                        continue;
                    }
                    InstanceTypeSpec t = ts.get(o.type().name());
                    if (t != o.type()) {
                        o = new Offer(t, o.region(), o.onDemand(), o.spot(), o.availabilityConfirmed());
                        changed = true;
                    }
                    offers.add(o);
                }
            }
            if (names != null) {
                for (String n : names) {
                    if (ro == null || ro.offer(n) == null) {
                        offers.add(new Offer(ts.get(n), region, null, null, true));
                        addedOffers++;
                        changed = true;
                    }
                }
            }
            offers.forEach(o -> offered.add(o.type().name()));
            if (offers.isEmpty()) {
                continue;
            }
            out.put(region, changed || ro == null ? new RegionOffers(region, offers) : ro);
        }
        int retiredTypes = 0;
        for (Map.Entry<String, InstanceTypeSpec> e : ts.entrySet()) {
            if (!offered.contains(e.getKey()) && offeredBefore.contains(e.getKey()) && !e.getValue().retired()) {
                e.setValue(unretired(e.getValue(), true));
                retiredTypes++;
            }
        }
        return new DiscoveryApplication(new ProviderCatalog(provider, ts, out, sources), addedTypes, retiredTypes,
                addedOffers, removedOffers);
    }

    private static InstanceTypeSpec unretired(InstanceTypeSpec t, boolean retired) {
        return new InstanceTypeSpec(t.provider(), t.name(), t.family(), t.generation(), t.vcpus(), t.nominalVcpus(),
                t.memoryGib(), t.gpuCount(), t.gpuModel(), t.architecture(), t.burstable(), t.sharedCore(),
                t.bareMetal(), t.tee(), t.specSource(), t.specDerived(), retired);
    }

    /**
     * The result of {@link #withDiscovery}: types added and newly retired, offers added and removed.
     */
    record DiscoveryApplication(ProviderCatalog catalog, int addedTypes, int retiredTypes, int addedOffers,
            int removedOffers) {
    }

    /**
     * The result of {@link #withLivePrices}.
     *
     * @param applied offers whose quotes now come from the live source
     * @param ignored live prices for a (type, region) the catalog has no offer for
     */
    record LiveApplication(ProviderCatalog catalog, int applied, int ignored) {
    }
}

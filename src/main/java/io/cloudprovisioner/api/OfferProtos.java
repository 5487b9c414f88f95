package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.InstanceType;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.InstanceTypeSpec;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceQuote;
import io.cloudprovisioner.catalog.PriceSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The catalog's offers as API messages, each built once per catalog version and then shared by every answer that
 * names it (protobuf messages are immutable, and an embedded message serialises from its memoised size). Messages
 * are built on first use, not all at start-up: the bundled catalog has ~65,000 offers and an answer names a handful,
 * so memory follows what callers ask for (at most one message per offer, price, type and price source). Instance
 * types and price sources are shared across the offers that carry them. The catalog is replaced as a whole on
 * refresh ({@link CatalogStore#replace}); the first call that sees the new catalog starts its cache afresh. A call
 * still holding an older catalog gets freshly converted messages, so an answer is always that of its snapshot.
 */
@Singleton
public class OfferProtos {
    private final CatalogStore catalog;
    private volatile Snapshot snapshot;

    @Inject
    public OfferProtos(CatalogStore catalog) {
        this.catalog = catalog;
    }

    /** The message of {@code o} (an offer of {@code cat}), equal to {@link ProtoMapper#toProto(Offer)}. */
    public InstanceOffer offer(Catalog cat, Offer o) {
        Snapshot s = snapshot(cat);
        return s == null ? ProtoMapper.toProto(o) : s.offer(o);
    }

    /** The message of {@code q} (a price of {@code cat}), equal to {@link ProtoMapper#toProto(PriceQuote)}. */
    public Price price(Catalog cat, PriceQuote q) {
        Snapshot s = snapshot(cat);
        return s == null ? ProtoMapper.toProto(q) : s.price(q);
    }

    /** As {@link #offer}, every price's source reduced to its id (SelectProvider's price_source_refs). */
    public InstanceOffer offerRef(Catalog cat, Offer o) {
        Snapshot s = snapshot(cat);
        return s == null ? Snapshot.build(o, ProtoMapper::toProto, OfferProtos::refOnly) : s.offerRef(o);
    }

    /** As {@link #price}, its source reduced to its id. */
    public Price priceRef(Catalog cat, PriceQuote q) {
        Snapshot s = snapshot(cat);
        return s == null ? refOnly(q) : s.priceRef(q);
    }

    /**
     * What spot capacity means for {@code o}: the provider's documented interruption notice and, where the catalog
     * has it, the published interruption frequency and saving; empty for providers without spot capacity. With
     * {@code refOnly} the advice's source carries its id only (price_source_refs).
     */
    public java.util.Optional<io.cloudprovisioner.api.v1.SpotTerms> spotTerms(Catalog cat, Offer o,
            boolean refOnly) {
        return io.cloudprovisioner.catalog.SpotNotice.of(o.type().provider()).map(n -> {
            io.cloudprovisioner.api.v1.SpotTerms.Builder b = io.cloudprovisioner.api.v1.SpotTerms.newBuilder()
                    .setInterruptionNotice(n.notice().toString()).setNoticeSource(n.source());
            cat.spotAdvice(o.type().provider(), o.region(), o.type().name()).ifPresent(a -> b
                    .setInterruptionFrequency(a.interruptionFrequency()).setSavingsPercent(a.savingsPercent())
                    .setAdviceSource(refOnly
                            ? io.cloudprovisioner.api.v1.PriceSource.newBuilder().setId(a.source().id()).build()
                            : source(cat, a.source())));
            return b.build();
        });
    }

    /** The full message of a price source. */
    public io.cloudprovisioner.api.v1.PriceSource source(Catalog cat, PriceSource src) {
        Snapshot s = snapshot(cat);
        return s == null ? ProtoMapper.toProto(src) : Snapshot.cached(s.sources, src, ProtoMapper::toProto);
    }

    private static Price refOnly(PriceQuote q) {
        return ProtoMapper.toProto(q, io.cloudprovisioner.api.v1.PriceSource.newBuilder().setId(q.source().id())
                .build());
    }

    /** The cache of {@code cat}, or null when {@code cat} is no longer the catalog in force. */
    private Snapshot snapshot(Catalog cat) {
        Snapshot s = snapshot;
        if (s != null && s.catalog == cat) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (s != null && s.catalog == cat) {
                return s;
            }
            if (cat != catalog.current()) {
                return null;
            }
            s = new Snapshot(cat);
            snapshot = s;
            return s;
        }
    }

    /** Identity key: catalog objects are immutable and shared, so identity is the cheap and exact lookup. */
    private record Id(Object of) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Id id && id.of == of;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(of);
        }
    }

    /** One catalog version's messages. */
    private static final class Snapshot {
        final Catalog catalog;
        final ConcurrentHashMap<Id, InstanceOffer> offers = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Id, Price> prices = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Id, InstanceType> types = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Id, io.cloudprovisioner.api.v1.PriceSource> sources = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Id, InstanceOffer> offerRefs = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Id, Price> priceRefs = new ConcurrentHashMap<>();

        Snapshot(Catalog catalog) {
            this.catalog = catalog;
        }

        InstanceOffer offer(Offer o) {
            return cached(offers, o, x -> build(x, this::type, this::price));
        }

        InstanceOffer offerRef(Offer o) {
            return cached(offerRefs, o, x -> build(x, this::type, this::priceRef));
        }

        Price priceRef(PriceQuote q) {
            return cached(priceRefs, q, OfferProtos::refOnly);
        }

        InstanceType type(InstanceTypeSpec t) {
            return cached(types, t, ProtoMapper::toProto);
        }

        Price price(PriceQuote q) {
            Price m = prices.get(new Id(q));
            return m != null ? m : prices.computeIfAbsent(new Id(q), k -> ProtoMapper.toProto(q,
                    cached(sources, q.source(), ProtoMapper::toProto)));
        }

        static InstanceOffer build(Offer o, Function<InstanceTypeSpec, InstanceType> types,
                Function<PriceQuote, Price> prices) {
            InstanceOffer.Builder b = InstanceOffer.newBuilder()
                    .setInstanceType(types.apply(o.type())).setRegion(o.region())
                    .setAvailabilityUnconfirmed(!o.availabilityConfirmed());
            if (o.onDemand() != null) {
                b.setOnDemand(prices.apply(o.onDemand()));
            }
            if (o.spot() != null) {
                b.setSpot(prices.apply(o.spot()));
            }
            InstanceOffer m = b.build();
            m.getSerializedSize(); // memoised now, so answers embedding it do not walk it again
            return m;
        }

        static <K, V> V cached(ConcurrentHashMap<Id, V> map, K key, Function<K, V> build) {
            V v = map.get(new Id(key));
            return v != null ? v : map.computeIfAbsent(new Id(key), k -> build.apply(key));
        }
    }
}

package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.CatalogLoader;
import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.RegionOffers;
import io.cloudprovisioner.domain.Provider;
import org.junit.jupiter.api.Test;

/** The cached offer messages are exactly what the per-call conversion builds, and follow catalog replacement. */
class OfferProtosTest {

    @Test
    void everyCachedOfferAndPriceEqualsTheFreshConversionAndIsShared() {
        CatalogStore store = new CatalogStore();
        Catalog cat = store.current();
        OfferProtos protos = new OfferProtos(store);
        int checked = 0;
        for (Provider p : Provider.values()) {
            for (RegionOffers ro : cat.provider(p).regions().values()) {
                for (Offer o : ro.sorted(false)) {
                    InstanceOffer m = protos.offer(cat, o);
                    assertEquals(ProtoMapper.toProto(o), m, o.type().name() + " in " + o.region());
                    assertSame(m, protos.offer(cat, o), "built once, reused");
                    if (o.onDemand() != null) {
                        assertEquals(ProtoMapper.toProto(o.onDemand()), protos.price(cat, o.onDemand()));
                        assertSame(m.getOnDemand(), protos.price(cat, o.onDemand()), "one message per price");
                    }
                    checked++;
                }
            }
        }
        assertEquals(cat.offerCount(), checked);
        assertTrue(checked > 100, "the bundled catalog has offers: " + checked);
    }

    @Test
    void aReplacedCatalogGetsItsOwnMessagesAndAnOldSnapshotStillAnswersRight() {
        CatalogStore store = new CatalogStore();
        Catalog first = store.current();
        OfferProtos protos = new OfferProtos(store);
        Offer a = first.provider(Provider.AWS).regions().values().iterator().next().sorted(false).get(0);
        InstanceOffer before = protos.offer(first, a);

        Catalog second = CatalogLoader.loadBundled();
        store.replace(second);
        Offer b = second.provider(Provider.AWS).region(a.region()).orElseThrow().offer(a.type().name());
        InstanceOffer after = protos.offer(second, b);
        assertNotSame(before, after, "a new catalog version is converted anew");
        assertEquals(ProtoMapper.toProto(b), after);
        // a call still holding the first snapshot gets a correct (freshly converted) message, and the new
        // catalog's cache stays in place
        assertEquals(before, protos.offer(first, a));
        assertSame(after, protos.offer(second, b));
    }
}

package io.cloudprovisioner.provider;

import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * A provider's answers are untrusted input: every listing the five adapters read (instances, machine types and sizes,
 * prices, firewalls, keys) goes through one of these, one per provider.
 * <ul>
 * <li>Listings are read page by page through {@link #pages}: at most {@link ProviderAnswerSettings#maxPages()} pages,
 * and a cursor (page token, NextToken, nextLink, next-page URL) seen before ends the listing. Both end it with an
 * {@link UntrustedAnswerException} (UNAVAILABLE, not retried), never with a loop.</li>
 * <li>Entries are checked one by one: an entry without an id, listed twice, with numbers out of range or without the
 * label a filter asked for is dropped with one WARN line naming the provider, the entry and the reason; the rest of
 * the listing is kept. One check logs at most {@link #WARNED_DROPS} such lines, then one line counting the rest (each
 * of them at DEBUG): a listing of a thousand duplicated entries does not write a thousand WARN lines.</li>
 * </ul>
 */
public final class ProviderAnswers {
    private static final Logger LOG = Logger.getLogger(ProviderAnswers.class);
    /** Hours per month, as the catalog counts them (monthly prices are checked against 730 times the hourly cap). */
    static final double HOURS_PER_MONTH = 730;
    /** Dropped entries one check logs at WARN, one line each; the rest are counted in one more WARN line. */
    static final int WARNED_DROPS = 10;

    private final Provider provider;
    private final ProviderAnswerSettings limits;

    public ProviderAnswers(Provider provider, ProviderAnswerSettings limits) {
        this.provider = provider;
        this.limits = limits;
    }

    /** One page of a listing: its entries and the cursor of the next page (null or blank on the last page). */
    public record Page<T>(List<T> items, String next) {
        public Page {
            items = items == null ? List.of() : items;
        }
    }

    public Provider provider() {
        return provider;
    }

    public int maxPages() {
        return Math.max(1, limits.maxPages());
    }

    // ---- listings ---------------------------------------------------------------------------------------------

    /**
     * Reads a whole listing: {@code fetch} is called with null for the first page, then with each page's next cursor,
     * until a page names none. Entries without an id, or with an id met before, are dropped (one WARN each).
     *
     * @param what what is listed, for messages ("droplets", "machine types in us-central1-a")
     * @param idOf the entry's id (null or blank: the entry is dropped)
     * @throws UntrustedAnswerException when a cursor repeats or the page cap is reached with a next page still named
     */
    public <T> List<T> pages(String what, Function<T, String> idOf, Function<String, Page<T>> fetch) {
        return distinct(what, pages(what, fetch), idOf);
    }

    /**
     * As {@link #pages(String, Function, Function)} for entries without an id of their own (price records the caller
     * merges): every entry of every page, in order.
     */
    public <T> List<T> pages(String what, Function<String, Page<T>> fetch) {
        List<T> out = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        int cap = maxPages();
        for (int page = 1; page <= cap; page++) {
            Page<T> p = fetch.apply(cursor);
            out.addAll(p.items());
            String next = p.next();
            if (next == null || next.isBlank()) {
                return out;
            }
            if (!cursors.add(next)) {
                throw repeatedCursor(what, page);
            }
            cursor = next;
        }
        throw pageCap(what);
    }

    /** Listing {@code what} ended because page {@code page} named a cursor an earlier page had named. */
    public UntrustedAnswerException repeatedCursor(String what, int page) {
        return new UntrustedAnswerException(provider, UntrustedAnswerException.REPEATED_CURSOR, "listing " + what
                + " stopped: page " + page + " names a next-page cursor an earlier page already named (the listing "
                + "would never end)");
    }

    /** Listing {@code what} ended because it still named a next page after the cap. */
    public UntrustedAnswerException pageCap(String what) {
        return new UntrustedAnswerException(provider, UntrustedAnswerException.PAGE_CAP, "listing " + what
                + " stopped: still more pages after the cap of " + maxPages() + " pages (cloudprovisioner."
                + provider.id() + ".provider-answers.max-pages)");
    }

    /** The entries with an id, each id once (the first one listed wins); the others dropped with a WARN each. */
    public <T> List<T> distinct(String what, List<T> items, Function<T, String> idOf) {
        Map<String, T> byId = new LinkedHashMap<>();
        Drops drops = new Drops(what);
        for (T item : items) {
            String id = item == null ? null : idOf.apply(item);
            if (id == null || id.isBlank()) {
                drops.add("(none)", "the entry has no id");
            } else if (byId.putIfAbsent(id, item) != null) {
                drops.add(id, "listed more than once (the first entry is kept)");
            }
        }
        drops.close();
        return new ArrayList<>(byId.values());
    }

    /** The entries {@code problem} finds nothing wrong with (it answers null); the others dropped with a WARN each. */
    public <T> List<T> keep(String what, List<T> items, Function<T, String> idOf, Function<T, String> problem) {
        List<T> out = new ArrayList<>(items.size());
        Drops drops = new Drops(what);
        for (T item : items) {
            String why = problem.apply(item);
            if (why == null) {
                out.add(item);
            } else {
                drops.add(idOf.apply(item), why);
            }
        }
        drops.close();
        return out;
    }

    /**
     * The entries of a listing filtered by a label or tag that do carry it: a filter is the provider's promise, checked
     * here before anything is adopted, listed or terminated.
     *
     * @param label the label the filter asked for, for the message ("cloudprovisioner-request-id=abc")
     */
    public <T> List<T> labelled(String what, List<T> items, Function<T, String> idOf, Predicate<T> carries,
            String label) {
        return keep(what, items, idOf, i -> carries.test(i) ? null
                : "returned by a filter on " + label + " but does not carry it (not adopted)");
    }

    /** Managed instances: each id once, each carrying the managed-by label (the listing's filter is not trusted). */
    public List<Instance> managed(String what, List<Instance> listed) {
        return labelled(what, distinct(what, listed, Instance::id), Instance::id,
                i -> ManagedLabels.isManaged(i.labels()), ManagedLabels.MANAGED_BY + "=" + ManagedLabels.MANAGED_BY_VALUE);
    }

    /** The instances carrying the managed-by label and the request id of {@code clientRequestId}. */
    public List<Instance> ofRequest(String what, List<Instance> listed, String clientRequestId) {
        return labelled(what, distinct(what, listed, Instance::id), Instance::id,
                i -> ManagedLabels.isOfRequest(i.labels(), clientRequestId),
                ManagedLabels.REQUEST_ID + "=" + clientRequestId.toLowerCase(Locale.ROOT));
    }

    // ---- numbers ----------------------------------------------------------------------------------------------

    /**
     * What is wrong with a machine type's figures, or null when nothing is. NaN disk or price means "not reported"
     * and passes; every other figure must be finite and within its range.
     */
    public String sizeProblem(double vcpus, double memoryGib, double diskGib, int gpus, double usdPerHour) {
        if (!(vcpus > 0) || vcpus > limits.maxVcpus()) {
            return "vCPUs " + vcpus + " outside (0, " + limits.maxVcpus() + "]";
        }
        if (!(memoryGib > 0) || memoryGib > limits.maxMemoryGib()) {
            return "memory " + memoryGib + " GiB outside (0, " + limits.maxMemoryGib() + "]";
        }
        if (!Double.isNaN(diskGib) && !(diskGib >= 0 && diskGib <= limits.maxDiskGib())) {
            return "disk " + diskGib + " GiB outside [0, " + limits.maxDiskGib() + "]";
        }
        if (gpus < 0 || gpus > limits.maxGpus()) {
            return "GPU count " + gpus + " outside [0, " + limits.maxGpus() + "]";
        }
        return priceProblem(usdPerHour, 1);
    }

    /** What is wrong with a price (USD per hour, or per month with {@code hours} 730), or null; NaN passes. */
    String priceProblem(double usd, double hours) {
        double cap = limits.maxUsdPerHour() * hours;
        if (!Double.isNaN(usd) && !(usd >= 0 && usd <= cap)) {
            return "price " + usd + " USD per " + (hours == 1 ? "hour" : "month") + " outside [0, " + cap + "]";
        }
        return null;
    }

    /** Discovered machine types: each name once, with believable figures. */
    public List<DiscoveredType> types(String what, List<DiscoveredType> found) {
        return keep(what, distinct(what, found, DiscoveredType::name), DiscoveredType::name,
                t -> sizeProblem(t.vcpus(), t.memoryGib(), Double.NaN, t.gpuCount(), t.usdPerHour()));
    }

    /** Live prices: each type and region once, every figure believable (NaN is "not quoted"). */
    public List<LivePrice> prices(String what, List<LivePrice> found) {
        return keep(what, distinct(what, found, p -> p.instanceType() == null || p.region() == null ? null
                : p.instanceType() + " in " + p.region()), p -> p.instanceType() + " in " + p.region(), p -> {
                    String why = priceProblem(p.onDemandUsdPerHour(), 1);
                    why = why != null ? why : priceProblem(p.spotUsdPerHour(), 1);
                    return why != null ? why : priceProblem(p.usdPerMonth(), HOURS_PER_MONTH);
                });
    }

    /** The one WARN line for a dropped entry. */
    public void drop(String what, String id, String reason) {
        LOG.warnf("%s: dropped %s entry %s: %s", provider.displayName(), what, id, reason);
    }

    /** The drops of one check: the first {@link #WARNED_DROPS} at WARN, the others at DEBUG and counted once. */
    private final class Drops {
        private final String what;
        private int count;

        Drops(String what) {
            this.what = what;
        }

        void add(String id, String reason) {
            if (++count <= WARNED_DROPS) {
                drop(what, id, reason);
            } else {
                LOG.debugf("%s: dropped %s entry %s: %s", provider.displayName(), what, id, reason);
            }
        }

        void close() {
            if (count > WARNED_DROPS) {
                LOG.warnf("%s: dropped %d more %s entries (%d dropped in all; each one is logged at DEBUG)",
                        provider.displayName(), count - WARNED_DROPS, what, count);
            }
        }
    }
}

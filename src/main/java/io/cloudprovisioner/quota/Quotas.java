package io.cloudprovisioner.quota;

import io.cloudprovisioner.catalog.CatalogStore;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.RegionOffers;
import io.cloudprovisioner.ledger.Ledger;
import io.cloudprovisioner.ledger.LedgerRecord;
import io.cloudprovisioner.ledger.RecordState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Per-principal provisioning quotas, checked by the provisioning workflow before the ledger intent and before any
 * cloud call (README "Quotas and limits"):
 * <ul>
 * <li>{@code max-concurrent-provisions}: provisions of the principal in flight in this process (a slot held from
 * the check until the call's work ends), and its CREATING ledger records (other replicas' included: checked, not
 * reserved, so replicas starting at the same moment may overshoot by one each);
 * <li>{@code max-live-instances}: its ledger records in CREATING, RUNNING or TERMINATING state;
 * <li>{@code max-hourly-usd}: the catalog's hourly price (spot price for spot records) of each of those records with
 * a known offering, plus the price of the requested one. A live record whose offering the catalog does not price
 * counts 0; a request whose own price is unknown is refused while a spend limit applies.
 * </ul>
 * Each refusal counts in {@code cloudprovisioner.quota.refusals{limit}}.
 */
@Singleton
public class Quotas {
    /** At most this many live records are read per check (far above any sensible live-instance limit). */
    static final int MAX_COUNTED = 10_000;

    @Inject
    QuotaSettings settings;
    @Inject
    Ledger ledger;
    @Inject
    CatalogStore catalog;
    @Inject
    MeterRegistry registry;

    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];

    public Quotas() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** A concurrency slot: closing it releases it (once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private static final Slot NONE = () -> {
    };

    /** Whether a caller with these roles is exempt (admins, when exempt-admins is set). */
    public boolean exempt(boolean admin) {
        return admin && settings.exemptAdmins();
    }

    /** The effective limit for {@code principal}: its override, else the default. */
    <T> T limit(String principal, Function<QuotaSettings.Limits, T> get, T unset) {
        QuotaSettings.Limits own = settings.principals().get(principal);
        T mine = own == null ? unset : get.apply(own);
        return isSet(mine) ? mine : get.apply(settings.defaults());
    }

    private static boolean isSet(Object o) {
        return o instanceof OptionalInt i ? i.isPresent() : o instanceof OptionalDouble d ? d.isPresent() : o != null;
    }

    OptionalInt maxConcurrent(String principal) {
        return limit(principal, QuotaSettings.Limits::maxConcurrentProvisions, OptionalInt.empty());
    }

    OptionalInt maxLive(String principal) {
        return limit(principal, QuotaSettings.Limits::maxLiveInstances, OptionalInt.empty());
    }

    OptionalDouble maxHourly(String principal) {
        return limit(principal, QuotaSettings.Limits::maxHourlyUsd, OptionalDouble.empty());
    }

    /**
     * Takes one of {@code principal}'s concurrent-provision slots in this process; refuses when all are taken.
     * Close the slot when the provision's work ends (in a finally).
     */
    public Slot enter(String principal, boolean admin) {
        OptionalInt max = maxConcurrent(principal);
        if (max.isEmpty() || exempt(admin)) {
            return NONE;
        }
        int limit = max.getAsInt();
        int[] seen = new int[1];
        boolean[] taken = new boolean[1];
        inFlight.compute(principal, (k, v) -> {
            int n = v == null ? 0 : v;
            seen[0] = n;
            if (n >= limit) {
                return v;
            }
            taken[0] = true;
            return n + 1;
        });
        if (!taken[0]) {
            throw refuse(QuotaException.Limit.CONCURRENT_PROVISIONS, principal, Integer.toString(limit),
                    Integer.toString(seen[0]), "max-concurrent-provisions is " + limit + "; in flight now: "
                            + seen[0] + " in this process; retry when one of them has ended");
        }
        boolean[] closed = new boolean[1];
        return () -> {
            synchronized (closed) {
                if (closed[0]) {
                    return;
                }
                closed[0] = true;
            }
            inFlight.computeIfPresent(principal, (k, v) -> v <= 1 ? null : v - 1);
        };
    }

    /** A lock per principal (striped): a check and the ledger intent it admits run under it, in this process. */
    public Object lock(String principal) {
        return stripes[Math.floorMod(principal.hashCode(), stripes.length)];
    }

    /**
     * Checks {@code principal}'s ledger-counted quotas for one more instance whose estimated price is
     * {@code requestedUsdPerHour} (NaN or infinite when unknown; {@code requested} names it), the record
     * {@code ownKey} (the request's own) left out. Returns the hourly budget left for the request (infinite without
     * a spend limit): fallbacks dearer than it must not be tried.
     */
    public double check(String principal, boolean admin, String ownKey, double requestedUsdPerHour,
            String requested) {
        if (exempt(admin)) {
            return Double.POSITIVE_INFINITY;
        }
        OptionalInt concurrent = maxConcurrent(principal);
        OptionalInt live = maxLive(principal);
        OptionalDouble hourly = maxHourly(principal);
        if (concurrent.isEmpty() && live.isEmpty() && hourly.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        List<LedgerRecord> records = ledger.live(principal, MAX_COUNTED).stream()
                .filter(r -> !r.requestKey().equals(ownKey)).toList();
        if (concurrent.isPresent()) {
            long creating = records.stream().filter(r -> r.state() == RecordState.CREATING).count();
            int max = concurrent.getAsInt();
            if (creating + 1 > max) {
                throw refuse(QuotaException.Limit.CONCURRENT_PROVISIONS, principal, Integer.toString(max),
                        Long.toString(creating), "max-concurrent-provisions is " + max + "; in flight now: "
                                + creating + " (CREATING in the ledger, every replica); retry when one has ended");
            }
        }
        if (live.isPresent()) {
            int max = live.getAsInt();
            if (records.size() + 1 > max) {
                throw refuse(QuotaException.Limit.LIVE_INSTANCES, principal, Integer.toString(max),
                        Integer.toString(records.size()), "max-live-instances is " + max + "; live now: "
                                + records.size() + " (CREATING, RUNNING or TERMINATING); terminate one first");
            }
        }
        if (hourly.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        double max = hourly.getAsDouble();
        double spent = 0;
        for (LedgerRecord r : records) {
            double h = price(r);
            if (Double.isFinite(h)) {
                spent += h;
            }
        }
        if (!Double.isFinite(requestedUsdPerHour)) {
            throw refuse(QuotaException.Limit.HOURLY_SPEND, principal, usd(max), usd(spent), "max-hourly-usd is "
                    + usd(max) + "; live now: " + usd(spent) + " per hour; the catalog has no price for " + requested
                    + ", so the request cannot be checked against the limit");
        }
        if (spent + requestedUsdPerHour > max + 1e-9) {
            throw refuse(QuotaException.Limit.HOURLY_SPEND, principal, usd(max), usd(spent), "max-hourly-usd is "
                    + usd(max) + "; live now: " + usd(spent) + " per hour; " + requested + " would add "
                    + usd(requestedUsdPerHour));
        }
        return max - spent;
    }

    /** A live record's estimated hourly price from the current catalog (infinite when unknown). */
    double price(LedgerRecord r) {
        if (r.provider() == null || r.region() == null || r.instanceType() == null) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            RegionOffers ro = catalog.current().provider(r.provider()).regions().get(r.region());
            Offer o = ro == null ? null : ro.offer(r.instanceType());
            return o == null ? Double.POSITIVE_INFINITY : o.effectiveUsdPerHour(r.spot());
        } catch (IllegalStateException e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    static String usd(double v) {
        return String.format(Locale.ROOT, "$%.4f", v);
    }

    /** Counts the refusal and builds its exception. */
    QuotaException refuse(QuotaException.Limit limit, String principal, String value, String usage,
            String description) {
        return refuse(limit, principal, value, usage, description, null);
    }

    QuotaException refuse(QuotaException.Limit limit, String principal, String value, String usage,
            String description, Duration retryAfter) {
        Counter.builder("cloudprovisioner.quota.refusals").description("Requests refused by a per-principal quota "
                + "or the rate limit").tag("limit", limit.tag()).register(registry).increment();
        return new QuotaException(limit, principal, value, usage, description, retryAfter);
    }
}

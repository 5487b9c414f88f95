package io.cloudprovisioner.catalog;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When a catalog figure counts as stale: its source's {@code as_of} is older than {@code staleAfter} at
 * {@code now}, or the source gives no date at all (an undated figure cannot be shown as current).
 * Configured by {@code cloudprovisioner.catalog.stale-after}; evaluated when a catalog is loaded or refreshed.
 */
public record Staleness(Duration staleAfter, Instant now) {
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofDays(365);

    public Staleness {
        if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("cloudprovisioner.catalog.stale-after must be a positive duration, was "
                    + staleAfter);
        }
    }

    /** The default age at the current time. */
    public static Staleness defaults() {
        return new Staleness(DEFAULT_STALE_AFTER, Instant.now());
    }

    public boolean stale(String asOf) {
        Optional<Instant> t = instant(asOf);
        return t.isEmpty() || t.get().isBefore(now.minus(staleAfter));
    }

    /**
     * The instant of an {@code as_of}: an ISO-8601 instant or offset date-time ("2026-07-20T13:44:30Z",
     * "2025-06-23T18:48:01-04:00"), or a date ("2026-08-02", read as its start in UTC). Empty when undated or
     * unreadable.
     */
    public static Optional<Instant> instant(String asOf) {
        if (asOf == null || asOf.isBlank()) {
            return Optional.empty();
        }
        try {
            if (asOf.length() == 10) {
                return Optional.of(LocalDate.parse(asOf).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return Optional.of(OffsetDateTime.parse(asOf).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}

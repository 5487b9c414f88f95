package io.cloudprovisioner.catalog;

/**
 * An hourly price with its provenance.
 *
 * @param usdPerHour US dollars per instance-hour
 * @param source where it came from
 * @param normalisedFromMonthly the provider quotes a monthly price; usdPerHour = monthly / 730
 * @param usdPerMonth the provider's monthly price when it quotes one, else 0
 */
public record PriceQuote(double usdPerHour, PriceSource source, boolean normalisedFromMonthly, double usdPerMonth) {

    /** Hours in a month for normalising monthly prices (365 × 24 / 12). */
    public static final double HOURS_PER_MONTH = 730.0;
}

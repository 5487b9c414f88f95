package io.cloudprovisioner.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in decimal, never in binary floating point: prices keep the digits of their source, and products of a
 * price with hours and instance counts are computed exactly, then rounded once to {@value #TOTAL_SCALE} decimal
 * places (a millionth of a dollar, half-even), so an estimate reads {@code 80.0007}, never
 * {@code 80.00070000000001}. A monthly quote normalised to an hourly one keeps {@value #HOURLY_SCALE} decimals.
 */
public final class Money {
    /** Decimal places of totals (US dollars). */
    public static final int TOTAL_SCALE = 6;
    /** Decimal places of an hourly price derived from a monthly one (monthly / 730). */
    public static final int HOURLY_SCALE = 10;
    private static final BigDecimal HOURS_PER_MONTH = BigDecimal.valueOf(730);

    private Money() {
    }

    /**
     * A figure read as the decimal it was written as: a double parsed from a source's text converts back to that
     * text's shortest decimal ({@link BigDecimal#valueOf(double)}), so "0.0990000000" stays 0.099.
     */
    public static BigDecimal decimal(double usd) {
        if (!Double.isFinite(usd)) {
            throw new IllegalArgumentException("not a finite amount: " + usd);
        }
        return BigDecimal.valueOf(usd).stripTrailingZeros();
    }

    /** The hourly price of a quote in decimal: the monthly quote / 730 when the provider bills monthly. */
    public static BigDecimal hourly(PriceQuote q) {
        if (q.normalisedFromMonthly() && q.usdPerMonth() > 0) {
            return perHourOfMonthly(q.usdPerMonth());
        }
        return decimal(q.usdPerHour());
    }

    /** A monthly price per hour (/ 730), to {@value #HOURLY_SCALE} decimals. */
    public static BigDecimal perHourOfMonthly(double usdPerMonth) {
        return decimal(usdPerMonth).divide(HOURS_PER_MONTH, HOURLY_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** {@code hourly × hours × count}, exact, rounded once to {@value #TOTAL_SCALE} decimals. */
    public static BigDecimal total(BigDecimal hourly, double hours, long count) {
        return hourly.multiply(decimal(hours)).multiply(BigDecimal.valueOf(count))
                .setScale(TOTAL_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /**
     * What {@code count} instances cost for {@code hours} at {@code q}: for a monthly quote
     * {@code monthly × hours / 730 × count} (so 730 hours cost exactly the monthly price), else
     * {@code hourly × hours × count}; exact, rounded once to {@value #TOTAL_SCALE} decimals.
     */
    public static BigDecimal total(PriceQuote q, double hours, long count) {
        if (q.normalisedFromMonthly() && q.usdPerMonth() > 0) {
            return decimal(q.usdPerMonth()).multiply(decimal(hours)).multiply(BigDecimal.valueOf(count))
                    .divide(HOURS_PER_MONTH, TOTAL_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        }
        return total(decimal(q.usdPerHour()), hours, count);
    }

    /** The plain decimal text of an amount ("80.0007", "0", "1200"), never an exponent. */
    public static String text(BigDecimal usd) {
        BigDecimal s = usd.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }
}

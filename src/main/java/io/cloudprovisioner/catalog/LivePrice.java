package io.cloudprovisioner.catalog;

/**
 * One price read from a provider's own price API. Unknown figures are NaN; a price is never invented.
 *
 * @param instanceType the provider's type name, as in the catalog
 * @param region the provider's region id, as in the catalog
 * @param onDemandUsdPerHour on-demand USD per hour, or NaN
 * @param spotUsdPerHour spot USD per hour, or NaN
 * @param usdPerMonth the provider's monthly price when it quotes one, or NaN; when the on-demand hourly price is NaN
 *        the catalog derives it as monthly / 730 and marks it normalised from monthly
 */
public record LivePrice(String instanceType, String region, double onDemandUsdPerHour, double spotUsdPerHour,
        double usdPerMonth) {

    public static LivePrice onDemand(String type, String region, double usdPerHour, double usdPerMonth) {
        return new LivePrice(type, region, usdPerHour, Double.NaN, usdPerMonth);
    }

    public static LivePrice spot(String type, String region, double usdPerHour) {
        return new LivePrice(type, region, Double.NaN, usdPerHour, Double.NaN);
    }

    static boolean usable(double v) {
        return v > 0 && !Double.isInfinite(v);
    }
}

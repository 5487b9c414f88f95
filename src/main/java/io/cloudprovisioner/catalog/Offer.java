package io.cloudprovisioner.catalog;

/**
 * An instance type offered in one region.
 *
 * @param onDemand on-demand price, null when unknown (such an offer is never chosen)
 * @param spot spot price, null when unknown
 * @param availabilityConfirmed false when no source lists the type in this region and the catalog offers it there by
 *     a documented inference (DigitalOcean sizes from a capture without regions, see the catalog README)
 */
public record Offer(InstanceTypeSpec type, String region, PriceQuote onDemand, PriceQuote spot,
        boolean availabilityConfirmed) {

    public boolean priced() {
        return onDemand != null;
    }

    /** The price a caller pays: spot when allowed and known, else on-demand (may be null). */
    public PriceQuote effectivePrice(boolean spotAllowed) {
        return spotAllowed && spot != null ? spot : onDemand;
    }

    /** Effective hourly price, or +infinity when unknown (sorts last). */
    public double effectiveUsdPerHour(boolean spotAllowed) {
        PriceQuote p = effectivePrice(spotAllowed);
        return p == null ? Double.POSITIVE_INFINITY : p.usdPerHour();
    }
}

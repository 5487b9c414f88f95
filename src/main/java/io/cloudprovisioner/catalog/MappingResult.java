package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.ResourceSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of mapping a spec in one provider region.
 *
 * @param offer the cheapest satisfying offer, null when nothing fits
 * @param effectivePrice what the caller pays for it (spot when allowed and known)
 * @param spot whether effectivePrice is a spot price
 * @param alternatives next-cheapest satisfying offers
 * @param binding constraints that every cheaper offer failed (first failure of each)
 * @param considered offers examined (all offers of the region when explained)
 * @param satisfying satisfying offers found (all of them when explained)
 * @param rejections offers rejected per constraint (first failure of each)
 * @param explained whether the whole region was scanned (counts complete)
 */
public record MappingResult(ResourceSpec spec, String region, Offer offer, PriceQuote effectivePrice, boolean spot,
        List<Offer> alternatives, Set<Constraint> binding, int considered, int satisfying,
        Map<Constraint, Integer> rejections, boolean explained) {

    public boolean found() {
        return offer != null;
    }

    /** The choice in one sentence. */
    public String summary() {
        if (offer == null) {
            return "No instance type in " + region + " satisfies the request; rejections by constraint: "
                    + rejections + ".";
        }
        var t = offer.type();
        StringBuilder s = new StringBuilder();
        s.append(t.name()).append(" (").append(fmt(t.vcpus())).append(" vCPU, ").append(fmt(t.memoryGib()))
                .append(" GiB");
        if (t.gpuCount() > 0) {
            s.append(", ").append(t.gpuCount()).append("x ").append(t.gpuModel());
        }
        s.append(") at $").append(fmt(effectivePrice.usdPerHour())).append("/h");
        if (spot) {
            s.append(" spot");
        }
        s.append(" is the cheapest of ").append(explained ? satisfying + " satisfying" : "the satisfying")
                .append(" offers in ").append(region);
        if (!binding.isEmpty()) {
            s.append("; every cheaper offer failed ").append(binding);
        } else {
            s.append("; no cheaper offer exists");
        }
        s.append('.');
        return s.toString();
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(java.util.Locale.ROOT, "%.6g", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}

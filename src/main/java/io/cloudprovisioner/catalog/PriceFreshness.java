package io.cloudprovisioner.catalog;

/**
 * How old one provider's prices are: every on-demand and spot quote of its offers, counted once each.
 *
 * @param prices quotes in the catalog
 * @param stale quotes whose source is stale ({@link Staleness}), undated ones included
 * @param undated quotes whose source gives no date
 * @param oldestAsOf the oldest dated {@code as_of} among the quotes, empty when none is dated
 * @param newestAsOf the newest dated {@code as_of}, empty when none is dated
 */
public record PriceFreshness(int prices, int stale, int undated, String oldestAsOf, String newestAsOf) {
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;

/**
 * Provenance of catalog figures.
 *
 * @param kind spec, price or offering
 * @param origin "owner/repo@commit:path", or a live API URL
 * @param asOf ISO-8601 date or instant; empty when the source does not say
 * @param live fetched from a live price API during this process's life
 * @param stale asOf is older than the configured age, or missing ({@link Staleness}); never true for a live source
 */
public record PriceSource(String id, Provider provider, String kind, String description, String origin,
        String licence, String asOf, boolean live, boolean stale) {
}

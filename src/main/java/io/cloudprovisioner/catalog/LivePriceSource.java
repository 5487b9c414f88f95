package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.util.List;
import java.util.Set;

/**
 * A provider's own price API. One CDI bean per source (a provider may have two, e.g. AWS on-demand and spot).
 * {@link #fetch} is blocking, is called from the refresher's worker thread only, and throws on any failure (the
 * refresher keeps the previous prices then). Error messages must never contain a secret.
 */
public interface LivePriceSource {
    Provider provider();

    /** Stable id of the {@link PriceSource} the fetched prices carry, e.g. "azure-retail-prices-live". */
    String id();

    /** What the source is, for {@link PriceSource#description()}. */
    String description();

    /**
     * Whether fetching needs the provider's credentials. A public price API (Azure Retail Prices) is fetched whether
     * or not the provider is configured; a credentialed one only for a configured provider.
     */
    default boolean needsCredentials() {
        return true;
    }

    /** The API URL the prices come from, for {@link PriceSource#origin()}. */
    String origin();

    /**
     * Prices for (type, region) pairs in {@code regions} (the provider's catalog regions). May return types and
     * regions the catalog does not know; those are ignored.
     */
    List<LivePrice> fetch(Set<String> regions);
}

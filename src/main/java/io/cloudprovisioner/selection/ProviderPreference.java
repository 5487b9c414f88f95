package io.cloudprovisioner.selection;

import io.cloudprovisioner.domain.Provider;
import java.util.List;

/**
 * One provider's place in the preferences.
 *
 * @param regions regions to consider, empty = every catalog region
 * @param priority tie-breaker, lower wins; 0 is treated as {@link #LOWEST}
 */
public record ProviderPreference(Provider provider, List<String> regions, int priority) {
    public static final int LOWEST = 1000;

    public ProviderPreference {
        regions = regions == null ? List.of() : List.copyOf(regions);
    }

    public int effectivePriority() {
        return priority <= 0 ? LOWEST : priority;
    }
}

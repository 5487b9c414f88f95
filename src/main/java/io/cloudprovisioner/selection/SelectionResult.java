package io.cloudprovisioner.selection;

import io.cloudprovisioner.domain.ResourceSpec;
import java.util.List;

/**
 * Ranked candidates (cut to the requested maximum) and every rejection.
 *
 * @param totalCandidates candidates before the cut
 */
public record SelectionResult(ResourceSpec spec, List<Candidate> candidates, List<Rejection> rejections,
        int totalCandidates, String preferencesSource) {

    /** True when nothing was considered because no provider was enabled and configured. */
    public boolean noProviderAvailable() {
        return candidates.isEmpty() && !rejections.isEmpty()
                && rejections.stream().allMatch(r -> r.region().isEmpty()
                        && ("NOT_CONFIGURED".equals(r.reason()) || "NOT_ENABLED".equals(r.reason())));
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.Set;

/**
 * One instance type of one provider, as the catalog knows it. Immutable.
 *
 * @param specSource id of the {@link PriceSource} the figures came from
 * @param specDerived figures derived from the provider's published naming rule, not read from a listing
 * @param retired listed for reference, never chosen
 */
public record InstanceTypeSpec(
        Provider provider,
        String name,
        String family,
        int generation,
        double vcpus,
        double memoryGib,
        int gpuCount,
        String gpuModel,
        Architecture architecture,
        boolean burstable,
        boolean sharedCore,
        boolean bareMetal,
        Set<TeeTechnology> tee,
        String specSource,
        boolean specDerived,
        boolean retired) {

    public InstanceTypeSpec {
        tee = Set.copyOf(tee);
        gpuModel = gpuModel == null ? "" : gpuModel;
    }
}

package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.Set;

/**
 * One instance type of one provider, as the catalog knows it. Immutable.
 *
 * @param vcpus vCPUs the instance can use (for a constrained-vCPU size: the active ones)
 * @param nominalVcpus the size's nominal vCPU count where it differs from vcpus (Azure constrained-vCPU sizes such as
 *     Standard_E32-16s_v4: 32 nominal, 16 active), else 0
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
        double nominalVcpus,
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

package io.cloudprovisioner.domain;

import java.util.Set;

/**
 * What a workload needs, after validation and after any preset was applied.
 *
 * @param cpu vCPUs (fractional allowed)
 * @param memoryGib memory in GiB
 * @param storageGb disk in GB
 * @param gpuCount GPUs wanted, 0 = none
 * @param gpuModel lower-case substring of the GPU model, empty = any
 * @param architecture required CPU architecture
 * @param allowSpot spot / preemptible capacity acceptable
 * @param requireTee a trusted-execution environment is required
 * @param teeTechnologies acceptable technologies when {@code requireTee}
 * @param qos quality-of-service hints
 */
public record ResourceSpec(
        double cpu,
        double memoryGib,
        double storageGb,
        int gpuCount,
        String gpuModel,
        Architecture architecture,
        boolean allowSpot,
        boolean requireTee,
        Set<TeeTechnology> teeTechnologies,
        Qos qos) {

    public ResourceSpec {
        gpuModel = gpuModel == null ? "" : gpuModel;
        architecture = architecture == null ? Architecture.X86_64 : architecture;
        teeTechnologies = teeTechnologies == null || teeTechnologies.isEmpty()
                ? TeeTechnology.DEFAULT_ACCEPTED
                : Set.copyOf(teeTechnologies);
        qos = qos == null ? Qos.NONE : qos;
    }

    /** A plain x86_64 on-demand spec, mostly for tests and benchmarks. */
    public static ResourceSpec of(double cpu, double memoryGib) {
        return new ResourceSpec(cpu, memoryGib, 10, 0, "", Architecture.X86_64, false, false, null, Qos.NONE);
    }

    public ResourceSpec withTee(boolean tee) {
        return new ResourceSpec(cpu, memoryGib, storageGb, gpuCount, gpuModel, architecture, allowSpot, tee,
                teeTechnologies, qos);
    }

    public ResourceSpec withSpot(boolean spot) {
        return new ResourceSpec(cpu, memoryGib, storageGb, gpuCount, gpuModel, architecture, spot, requireTee,
                teeTechnologies, qos);
    }

    public ResourceSpec withGpus(int count, String model) {
        return new ResourceSpec(cpu, memoryGib, storageGb, count, model, architecture, allowSpot, requireTee,
                teeTechnologies, qos);
    }

    public ResourceSpec withArchitecture(Architecture arch) {
        return new ResourceSpec(cpu, memoryGib, storageGb, gpuCount, gpuModel, arch, allowSpot, requireTee,
                teeTechnologies, qos);
    }
}

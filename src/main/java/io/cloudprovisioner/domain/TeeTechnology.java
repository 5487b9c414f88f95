package io.cloudprovisioner.domain;

import java.util.EnumSet;
import java.util.Set;

/** Confidential-computing technologies. */
public enum TeeTechnology {
    NITRO_ENCLAVES,
    AMD_SEV,
    AMD_SEV_SNP,
    INTEL_TDX,
    /** Application enclaves only; never matched by {@code require_tee} unless asked for by name. */
    INTEL_SGX;

    /** What {@code require_tee} accepts when the request names no technology. */
    public static final Set<TeeTechnology> DEFAULT_ACCEPTED =
            Set.copyOf(EnumSet.of(NITRO_ENCLAVES, AMD_SEV, AMD_SEV_SNP, INTEL_TDX));
}

package io.cloudprovisioner.api;

import io.cloudprovisioner.api.ApiErrors.Violation;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ProviderPreference;
import io.cloudprovisioner.api.v1.QosRequirements;
import io.cloudprovisioner.api.v1.ResourcePreset;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Preset;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.Qos;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns API requests into domain values, collecting every bad field (path and reason) so that one INVALID_ARGUMENT
 * answer names them all. NaN, infinities, negatives, unknown enum numbers, absurd sizes and over-long strings are
 * all rejected here; nothing past this point needs to distrust its input.
 */
public final class RequestValidator {
    public static final double MIN_CPU = 0.1;
    public static final double MAX_CPU = 1024;
    public static final double MIN_MEMORY_GIB = 0.5;
    public static final double MAX_MEMORY_GIB = 32768;
    public static final double MIN_STORAGE_GB = 1;
    public static final double MAX_STORAGE_GB = 65536;
    /** Disk size when neither the spec nor a preset gives one. */
    public static final double DEFAULT_STORAGE_GB = io.cloudprovisioner.provisioning.Provisioner.DEFAULT_STORAGE_GB;
    public static final int MAX_GPUS = 8;
    public static final int MAX_LIST = 100;
    static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final Pattern GPU_MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}");
    static final Pattern INSTANCE_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final List<Violation> violations = new ArrayList<>();

    public void add(String field, String description) {
        violations.add(new Violation(field, description));
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    /** Throws INVALID_ARGUMENT naming every violation collected so far. */
    public void throwIfInvalid() {
        if (!violations.isEmpty()) {
            throw ApiErrors.invalidArgument(List.copyOf(violations));
        }
    }

    public Provider provider(CloudProvider p, String field, boolean required) {
        if (p == CloudProvider.UNRECOGNIZED) {
            add(field, "unknown provider value; use CLOUD_PROVIDER_AWS, _GCP, _AZURE, _DIGITALOCEAN or _VULTR");
            return null;
        }
        Provider out = ProtoMapper.fromProto(p);
        if (out == null && required) {
            add(field, "required: CLOUD_PROVIDER_AWS, _GCP, _AZURE, _DIGITALOCEAN or _VULTR");
        }
        return out;
    }

    /** A region id that the catalog knows for {@code provider} (checked only when the provider is valid). */
    public String region(String region, String field, Provider provider, Catalog catalog) {
        if (region.isEmpty()) {
            add(field, "required");
            return null;
        }
        if (!REGION.matcher(region).matches()) {
            add(field, "must be a region id of lower-case letters, digits and '-', at most 63 characters");
            return null;
        }
        if (provider != null && catalog.provider(provider).region(region).isEmpty()) {
            var zone = io.cloudprovisioner.catalog.ZoneNames.zone(provider, region);
            if (zone.isPresent()) {
                add(field, "'" + region + "' is a zone (" + zone.get().kind() + ") of region "
                        + zone.get().parentRegion() + ", not a region: set the region to "
                        + zone.get().parentRegion() + " (and the zone, where the call has one)");
                return null;
            }
            List<String> known = List.copyOf(catalog.provider(provider).regions().keySet());
            add(field, "unknown region '" + region + "' for " + provider.id() + "; the catalog knows "
                    + known.size() + " regions, e.g. " + String.join(", ", known.subList(0, Math.min(8,
                            known.size()))));
            return null;
        }
        return region;
    }

    public String instanceType(String name, String field) {
        if (name.isEmpty()) {
            add(field, "required");
            return null;
        }
        if (!INSTANCE_TYPE.matcher(name).matches()) {
            add(field, "must be an instance type name of letters, digits, '_', '.', '-', at most 128 characters");
            return null;
        }
        return name;
    }

    /** Applies the preset, then checks every field. Returns null when a field is invalid. */
    public ResourceSpec spec(io.cloudprovisioner.api.v1.ResourceSpec s, String field) {
        int before = violations.size();
        Preset preset = null;
        if (s.getPreset() == ResourcePreset.UNRECOGNIZED) {
            add(field + ".preset", "unknown preset value");
        } else if (s.getPreset() != ResourcePreset.RESOURCE_PRESET_UNSPECIFIED) {
            preset = Preset.valueOf(s.getPreset().name().substring("RESOURCE_PRESET_".length()));
        }
        double cpu = s.getCpu() == 0 && preset != null ? preset.cpu() : s.getCpu();
        double mem = s.getMemoryGb() == 0 && preset != null ? preset.memoryGib() : s.getMemoryGb();
        double storage = s.getStorageGb() == 0 ? (preset != null ? preset.storageGb() : DEFAULT_STORAGE_GB)
                : s.getStorageGb();
        boolean spot = s.getAllowSpot() || (preset != null && preset.allowSpot());
        range(cpu, MIN_CPU, MAX_CPU, field + ".cpu", "vCPUs", preset == null);
        range(mem, MIN_MEMORY_GIB, MAX_MEMORY_GIB, field + ".memory_gb", "GiB", preset == null);
        range(storage, MIN_STORAGE_GB, MAX_STORAGE_GB, field + ".storage_gb", "GB", preset == null);
        if (s.getGpuCount() != 0 && (s.getGpuCount() < 1 || s.getGpuCount() > MAX_GPUS)) {
            add(field + ".gpu_count", "must be 1 to " + MAX_GPUS + " when set (0 = no GPU), was "
                    + s.getGpuCount());
        }
        String gpuModel = s.getGpuModel().trim();
        if (!gpuModel.isEmpty()) {
            if (!GPU_MODEL.matcher(gpuModel).matches()) {
                add(field + ".gpu_model", "must be letters, digits, ' ', '_', '.', '-', at most 64 characters");
            } else if (s.getGpuCount() == 0) {
                add(field + ".gpu_model", "needs gpu_count >= 1");
            }
        }
        if (s.getArchitecture() == io.cloudprovisioner.api.v1.Architecture.UNRECOGNIZED) {
            add(field + ".architecture", "unknown architecture value");
        }
        Set<TeeTechnology> tee = EnumSet.noneOf(TeeTechnology.class);
        for (int i = 0; i < s.getTeeTechnologiesCount(); i++) {
            io.cloudprovisioner.api.v1.TeeTechnology t = s.getTeeTechnologies(i);
            if (t == io.cloudprovisioner.api.v1.TeeTechnology.UNRECOGNIZED
                    || t == io.cloudprovisioner.api.v1.TeeTechnology.TEE_TECHNOLOGY_UNSPECIFIED) {
                add(field + ".tee_technologies[" + i + "]", "unknown or unspecified TEE technology");
            } else {
                tee.add(ProtoMapper.fromProto(t));
            }
        }
        if (!tee.isEmpty() && !s.getRequireTee()) {
            add(field + ".tee_technologies", "only meaningful with require_tee = true");
        }
        Qos qos = qos(s.getQos(), field + ".qos");
        if (violations.size() > before) {
            return null;
        }
        double m = qos.reliabilityMultiplier();
        return new ResourceSpec(cpu * m, mem * m, storage, s.getGpuCount(), gpuModel.toLowerCase(java.util.Locale.ROOT),
                ProtoMapper.fromProto(s.getArchitecture()), spot, s.getRequireTee(), tee, qos);
    }

    private Qos qos(QosRequirements q, String field) {
        if (q.getPriority() < 0 || q.getPriority() > 10) {
            add(field + ".priority", "must be 0 to 10, was " + q.getPriority());
        }
        double sla = q.getSlaTarget();
        if (!Double.isFinite(sla) || sla < 0 || sla >= 1) {
            add(field + ".sla_target", "must be a fraction in [0, 1), e.g. 0.999; was " + sla);
        }
        double m = q.getReliabilityMultiplier();
        if (!Double.isFinite(m) || (m != 0 && (m < 1 || m > 10))) {
            add(field + ".reliability_multiplier", "must be 0 (= 1) or in [1, 10], was " + m);
        }
        return new Qos(q.getPriority(), Double.isFinite(sla) ? sla : 0, m == 0 || !Double.isFinite(m) ? 1 : m);
    }

    private void range(double v, double min, double max, String field, String unit, boolean noPreset) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            add(field, "must be a finite number");
        } else if (v == 0 && noPreset) {
            add(field, "required: at least " + fmt(min) + " " + unit + " (or set a preset)");
        } else if (v < min) {
            add(field, "must be at least " + fmt(min) + " " + unit + ", was " + v);
        } else if (v > max) {
            add(field, "must be at most " + fmt(max) + " " + unit + ", was " + v);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Combines a request's policy with the configured one. */
    public MappingPolicy policy(io.cloudprovisioner.api.v1.MappingPolicy p, MappingPolicy configured, String field) {
        Set<String> allowed = families(p.getAllowedFamiliesList(), field + ".allowed_families");
        Set<String> denied = families(p.getDeniedFamiliesList(), field + ".denied_families");
        if (p.getMinGeneration() < 0 || p.getMinGeneration() > 100) {
            add(field + ".min_generation", "must be 0 to 100, was " + p.getMinGeneration());
        }
        return configured.combine(allowed, denied, p.hasAllowBurstable() ? p.getAllowBurstable() : null,
                Math.max(0, p.getMinGeneration()), p.hasAllowBareMetal() ? p.getAllowBareMetal() : null, 0);
    }

    private Set<String> families(List<String> list, String field) {
        if (list.size() > MAX_LIST) {
            add(field, "at most " + MAX_LIST + " entries");
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String f = list.get(i).trim();
            if (!FAMILY.matcher(f).matches()) {
                add(field + "[" + i + "]", "must be a family name (letters, digits, '_', '.', '-'), at most 64 "
                        + "characters");
            } else {
                out.add(f);
            }
        }
        return out;
    }

    /** Request preferences to domain preferences; the request's policy is combined with the configured one. */
    public io.cloudprovisioner.selection.SelectionPreferences preferences(SelectionPreferences p,
            MappingPolicy configured, Catalog catalog, String field) {
        List<io.cloudprovisioner.selection.ProviderPreference> providers = new ArrayList<>();
        if (p.getProvidersCount() > 5) {
            add(field + ".providers", "at most 5 entries, one per provider");
        }
        Set<Provider> seen = new HashSet<>();
        for (int i = 0; i < p.getProvidersCount() && i < 5; i++) {
            ProviderPreference pp = p.getProviders(i);
            String f = field + ".providers[" + i + "]";
            Provider prov = provider(pp.getProvider(), f + ".provider", true);
            if (prov != null && !seen.add(prov)) {
                add(f + ".provider", "listed twice");
            }
            if (pp.getPriority() < 0) {
                add(f + ".priority", "must be >= 0");
            }
            if (pp.getRegionsCount() > MAX_LIST) {
                add(f + ".regions", "at most " + MAX_LIST + " entries");
                continue;
            }
            List<String> regions = new ArrayList<>();
            for (int j = 0; j < pp.getRegionsCount(); j++) {
                String r = region(pp.getRegions(j), f + ".regions[" + j + "]", prov, catalog);
                if (r != null) {
                    regions.add(r);
                }
            }
            if (prov != null) {
                providers.add(new io.cloudprovisioner.selection.ProviderPreference(prov, regions, pp.getPriority()));
            }
        }
        List<DeploymentType> allowed = deploymentTypes(p.getAllowedDeploymentTypesList(),
                field + ".allowed_deployment_types");
        List<DeploymentType> preferred = deploymentTypes(p.getPreferredDeploymentTypesList(),
                field + ".preferred_deployment_types");
        double max = p.getMaxHourlyCostUsd();
        if (!Double.isFinite(max) || max < 0 || max > 1_000_000) {
            add(field + ".max_hourly_cost_usd", "must be a finite number from 0 (no cap) to 1000000");
        }
        MappingPolicy policy = policy(p.getPolicy(), configured, field + ".policy");
        return new io.cloudprovisioner.selection.SelectionPreferences(providers, allowed, preferred,
                Double.isFinite(max) && max > 0 ? max : 0, p.getAllowFallback(), p.getSpotAllowed(),
                p.getIncludeUnconfigured(), policy);
    }

    private List<DeploymentType> deploymentTypes(List<io.cloudprovisioner.api.v1.DeploymentType> list, String field) {
        List<DeploymentType> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            io.cloudprovisioner.api.v1.DeploymentType t = list.get(i);
            if (t == io.cloudprovisioner.api.v1.DeploymentType.UNRECOGNIZED
                    || t == io.cloudprovisioner.api.v1.DeploymentType.DEPLOYMENT_TYPE_UNSPECIFIED) {
                add(field + "[" + i + "]", "unknown or unspecified deployment type");
            } else if (!out.contains(ProtoMapper.fromProto(t))) {
                out.add(ProtoMapper.fromProto(t));
            }
        }
        return out;
    }

    /**
     * A non-negative protobuf Duration of at most {@code max}, as a java.time Duration; null (and a violation) when it
     * is negative, its nanos are out of [0, 999999999] or it exceeds {@code max}.
     */
    public java.time.Duration duration(com.google.protobuf.Duration d, String field, java.time.Duration max) {
        if (d.getSeconds() < 0 || d.getNanos() < 0) {
            add(field, "must not be negative");
            return null;
        }
        if (d.getNanos() > 999_999_999 || d.getSeconds() > max.getSeconds()) {
            add(field, "must be at most " + max.toDays() + " days (seconds <= " + max.getSeconds()
                    + ", nanos <= 999999999)");
            return null;
        }
        java.time.Duration out = java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
        if (out.compareTo(max) > 0) {
            add(field, "must be at most " + max.toDays() + " days");
            return null;
        }
        return out;
    }

    /** Number within [min, max] with 0 meaning {@code dflt}. */
    public int bounded(int value, int min, int max, int dflt, String field) {
        if (value == 0) {
            return dflt;
        }
        if (value < min || value > max) {
            add(field, "must be " + min + " to " + max + " (0 = " + dflt + "), was " + value);
            return dflt;
        }
        return value;
    }
}

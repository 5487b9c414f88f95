package io.cloudprovisioner.selection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The one documented file format for selection preferences (YAML). Example:
 *
 * <pre>
 * providers:
 *   - provider: aws
 *     regions: [us-east-1, us-west-2]
 *     priority: 1
 *   - provider: gcp
 *     priority: 2
 * allowed-deployment-types: [VM, MANAGED_KUBERNETES]
 * preferred-deployment-types: [VM]
 * max-hourly-cost-usd: 1.5
 * allow-fallback: true
 * spot-allowed: false
 * include-unconfigured: false
 * policy:
 *   allowed-families: []
 *   denied-families: [t2]
 *   allow-burstable: true
 *   min-generation: 0
 *   allow-bare-metal: false
 *   max-hourly-cost-usd: 0
 * </pre>
 *
 * Unknown keys, unknown providers or deployment types, negative costs and duplicate providers are errors that name
 * the offending entry. {@link #write} produces text that {@link #parse} reads back to an equal value.
 */
public final class PreferencesFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private PreferencesFile() {
    }

    /** Parses the YAML text; {@code origin} names the file in error messages. */
    public static SelectionPreferences parse(String yaml, String origin) {
        Doc doc;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return SelectionPreferences.DEFAULT;
            }
            doc = YAML.readValue(yaml, Doc.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new IllegalArgumentException(origin + where + ": " + e.getOriginalMessage(), e);
        }
        if (doc == null) {
            return SelectionPreferences.DEFAULT;
        }
        return doc.toPreferences(origin);
    }

    public static String write(SelectionPreferences prefs) {
        try {
            return YAML.writeValueAsString(Doc.from(prefs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({ "provider", "regions", "priority" })
    public static class ProviderDoc {
        @JsonProperty("provider")
        public String provider;
        @JsonProperty("regions")
        public List<String> regions = new ArrayList<>();
        @JsonProperty("priority")
        public int priority;
    }

    @RegisterForReflection
    @JsonPropertyOrder({ "allowed-families", "denied-families", "allow-burstable", "min-generation",
            "allow-bare-metal", "max-hourly-cost-usd" })
    public static class PolicyDoc {
        @JsonProperty("allowed-families")
        public List<String> allowedFamilies = new ArrayList<>();
        @JsonProperty("denied-families")
        public List<String> deniedFamilies = new ArrayList<>();
        @JsonProperty("allow-burstable")
        public boolean allowBurstable = true;
        @JsonProperty("min-generation")
        public int minGeneration;
        @JsonProperty("allow-bare-metal")
        public boolean allowBareMetal;
        @JsonProperty("max-hourly-cost-usd")
        public double maxHourlyCostUsd;
    }

    @RegisterForReflection
    @JsonPropertyOrder({ "providers", "allowed-deployment-types", "preferred-deployment-types", "max-hourly-cost-usd",
            "allow-fallback", "spot-allowed", "include-unconfigured", "policy" })
    public static class Doc {
        @JsonProperty("providers")
        public List<ProviderDoc> providers = new ArrayList<>();
        @JsonProperty("allowed-deployment-types")
        public List<String> allowedDeploymentTypes = new ArrayList<>(List.of("VM"));
        @JsonProperty("preferred-deployment-types")
        public List<String> preferredDeploymentTypes = new ArrayList<>();
        @JsonProperty("max-hourly-cost-usd")
        public double maxHourlyCostUsd;
        @JsonProperty("allow-fallback")
        public boolean allowFallback = true;
        @JsonProperty("spot-allowed")
        public boolean spotAllowed = true;
        @JsonProperty("include-unconfigured")
        public boolean includeUnconfigured;
        @JsonProperty("policy")
        public PolicyDoc policy = new PolicyDoc();

        SelectionPreferences toPreferences(String origin) {
            List<ProviderPreference> ps = new ArrayList<>();
            var seen = new HashSet<Provider>();
            for (int i = 0; i < providers.size(); i++) {
                ProviderDoc pd = providers.get(i);
                String where = origin + ": providers[" + i + "]";
                if (pd == null || pd.provider == null) {
                    throw new IllegalArgumentException(where + ".provider is required (aws, gcp, azure, "
                            + "digitalocean, vultr)");
                }
                Provider p = Provider.fromId(pd.provider).orElseThrow(() -> new IllegalArgumentException(where
                        + ".provider: unknown provider '" + pd.provider + "' (aws, gcp, azure, digitalocean, vultr)"));
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(where + ": provider " + p.id() + " listed twice");
                }
                if (pd.priority < 0) {
                    throw new IllegalArgumentException(where + ".priority must be >= 0");
                }
                List<String> regions = pd.regions == null ? List.of() : pd.regions;
                for (String r : regions) {
                    if (r == null || r.isBlank()) {
                        throw new IllegalArgumentException(where + ".regions: empty region");
                    }
                }
                ps.add(new ProviderPreference(p, regions, pd.priority));
            }
            if (!(maxHourlyCostUsd >= 0) || Double.isInfinite(maxHourlyCostUsd)) {
                throw new IllegalArgumentException(origin + ": max-hourly-cost-usd must be a finite number >= 0");
            }
            PolicyDoc pol = policy == null ? new PolicyDoc() : policy;
            if (pol.minGeneration < 0) {
                throw new IllegalArgumentException(origin + ": policy.min-generation must be >= 0");
            }
            if (!(pol.maxHourlyCostUsd >= 0) || Double.isInfinite(pol.maxHourlyCostUsd)) {
                throw new IllegalArgumentException(origin + ": policy.max-hourly-cost-usd must be a finite number >= 0");
            }
            MappingPolicy mp = new MappingPolicy(new LinkedHashSet<>(nonNull(pol.allowedFamilies)),
                    new LinkedHashSet<>(nonNull(pol.deniedFamilies)), pol.allowBurstable, pol.minGeneration,
                    pol.allowBareMetal, pol.maxHourlyCostUsd);
            return new SelectionPreferences(ps, types(allowedDeploymentTypes, origin + ": allowed-deployment-types"),
                    types(preferredDeploymentTypes, origin + ": preferred-deployment-types"), maxHourlyCostUsd,
                    allowFallback, spotAllowed, includeUnconfigured, mp);
        }

        static Doc from(SelectionPreferences p) {
            Doc d = new Doc();
            for (ProviderPreference pp : p.providers()) {
                ProviderDoc pd = new ProviderDoc();
                pd.provider = pp.provider().id();
                pd.regions = new ArrayList<>(pp.regions());
                pd.priority = pp.priority();
                d.providers.add(pd);
            }
            d.allowedDeploymentTypes = p.allowedDeploymentTypes().stream().map(Enum::name).toList();
            d.preferredDeploymentTypes = p.preferredDeploymentTypes().stream().map(Enum::name).toList();
            d.maxHourlyCostUsd = p.maxHourlyUsd();
            d.allowFallback = p.allowFallback();
            d.spotAllowed = p.spotAllowed();
            d.includeUnconfigured = p.includeUnconfigured();
            d.policy.allowedFamilies = new ArrayList<>(p.policy().allowedFamilies());
            d.policy.deniedFamilies = new ArrayList<>(p.policy().deniedFamilies());
            d.policy.allowBurstable = p.policy().allowBurstable();
            d.policy.minGeneration = p.policy().minGeneration();
            d.policy.allowBareMetal = p.policy().allowBareMetal();
            d.policy.maxHourlyCostUsd = p.policy().maxHourlyUsd();
            return d;
        }
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l.stream().filter(s -> s != null && !s.isBlank()).toList();
    }

    private static List<DeploymentType> types(List<String> names, String where) {
        List<DeploymentType> out = new ArrayList<>();
        for (String n : nonNull(names)) {
            try {
                out.add(DeploymentType.valueOf(n.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": unknown deployment type '" + n
                        + "' (VM, MANAGED_KUBERNETES, KUBERNETES, SERVERLESS)", e);
            }
        }
        return out;
    }
}

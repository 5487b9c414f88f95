package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.TeeTechnology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the bundled catalog snapshot ({@code catalog/sources.csv}, {@code instance-types.csv}, {@code offers.csv}
 * on the classpath), written by the committed importer (see {@code src/main/resources/catalog/README.md}).
 * Any inconsistency (unknown provider, unknown source id, an offer of an unknown type, a non-positive price) fails
 * the load: a catalog is either right or not served.
 */
public final class CatalogLoader {
    public static final String DEFAULT_LOCATION = "catalog/";

    private CatalogLoader() {
    }

    public static Catalog loadBundled() {
        return loadBundled(Staleness.defaults());
    }

    /** The bundled snapshot, its sources marked stale by {@code staleness}. */
    public static Catalog loadBundled(Staleness staleness) {
        return load(DEFAULT_LOCATION, CatalogLoader.class.getClassLoader(), staleness);
    }

    public static Catalog load(String location, ClassLoader loader) {
        return load(location, loader, Staleness.defaults());
    }

    public static Catalog load(String location, ClassLoader loader, Staleness staleness) {
        try {
            Map<String, PriceSource> sources = readSources(open(loader, location + "sources.csv"), staleness);
            Map<Provider, SortedMap<String, InstanceTypeSpec>> types = readTypes(
                    open(loader, location + "instance-types.csv"), sources);
            Map<Provider, Map<String, List<Offer>>> offers = readOffers(open(loader, location + "offers.csv"),
                    types, sources);
            Map<Provider, ProviderCatalog> providers = new EnumMap<>(Provider.class);
            for (Provider p : Provider.values()) {
                SortedMap<String, RegionOffers> regions = new TreeMap<>();
                offers.getOrDefault(p, Map.of()).forEach((region, list) -> regions.put(region,
                        new RegionOffers(region, list)));
                Set<PriceSource> used = new LinkedHashSet<>();
                for (PriceSource s : sources.values()) {
                    if (s.provider() == p) {
                        used.add(s);
                    }
                }
                List<PriceSource> sorted = new ArrayList<>(used);
                sorted.sort((a, b) -> a.id().compareTo(b.id()));
                providers.put(p, new ProviderCatalog(p, types.getOrDefault(p, new TreeMap<>()), regions, sorted));
            }
            return new Catalog(providers, sources, lazily(() -> {
                try {
                    return readSpotAdvice(loader, location + "spot-advisor.csv", sources);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + location + "spot-advisor.csv", e);
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled catalog at " + location, e);
        }
    }

    /** {@code read} once, on the first get (concurrent first gets wait for the one read). */
    static <T> java.util.function.Supplier<T> lazily(java.util.function.Supplier<T> read) {
        return new java.util.function.Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        v = value;
                        if (v == null) {
                            v = read.get();
                            value = v;
                        }
                    }
                }
                return v;
            }
        };
    }

    /**
     * The optional spot-advisor.csv (provider, region, instance_type, interruption_frequency, savings_pct, source):
     * absent in catalogs that have none (test catalogs); a row naming an unknown source fails the load.
     */
    static Map<Provider, Map<String, SpotAdvice>> readSpotAdvice(ClassLoader loader, String resource,
            Map<String, PriceSource> sources) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            return Map.of();
        }
        Map<Provider, Map<String, SpotAdvice>> out = new EnumMap<>(Provider.class);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            Csv csv = new Csv(r, "spot-advisor.csv");
            while (csv.next()) {
                PriceSource s = sources.get(csv.get("source"));
                if (s == null) {
                    throw new IllegalStateException(csv.where() + ": unknown source " + csv.get("source"));
                }
                int savings;
                try {
                    savings = Integer.parseInt(csv.get("savings_pct"));
                } catch (NumberFormatException e) {
                    throw new IllegalStateException(csv.where() + ": savings_pct is not a whole number");
                }
                out.computeIfAbsent(provider(csv), p -> new HashMap<>()).put(
                        csv.get("region") + "|" + csv.get("instance_type"),
                        new SpotAdvice(csv.get("interruption_frequency"), savings, s));
            }
        }
        return out;
    }

    private static BufferedReader open(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("missing catalog resource " + resource);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    private static Provider provider(Csv csv) {
        return Provider.fromId(csv.get("provider"))
                .orElseThrow(() -> new IllegalStateException(csv.where() + ": unknown provider "
                        + csv.get("provider")));
    }

    private static Map<String, PriceSource> readSources(BufferedReader r, Staleness staleness) throws IOException {
        Map<String, PriceSource> out = new HashMap<>();
        try (r) {
            Csv csv = new Csv(r, "sources.csv");
            while (csv.next()) {
                PriceSource s = new PriceSource(csv.get("id"), provider(csv), csv.get("kind"),
                        csv.get("description"), csv.get("origin"), csv.get("licence"), csv.get("as_of"), false,
                        staleness.stale(csv.get("as_of")));
                if (out.put(s.id(), s) != null) {
                    throw new IllegalStateException(csv.where() + ": duplicate source id " + s.id());
                }
            }
        }
        return out;
    }

    private static Map<Provider, SortedMap<String, InstanceTypeSpec>> readTypes(BufferedReader r,
            Map<String, PriceSource> sources) throws IOException {
        Map<Provider, SortedMap<String, InstanceTypeSpec>> out = new EnumMap<>(Provider.class);
        try (r) {
            Csv csv = new Csv(r, "instance-types.csv");
            while (csv.next()) {
                Provider p = provider(csv);
                String specSource = csv.get("spec_source");
                if (!sources.containsKey(specSource)) {
                    throw new IllegalStateException(csv.where() + ": unknown spec_source " + specSource);
                }
                double vcpus = csv.getDouble("vcpus");
                double mem = csv.getDouble("memory_gib");
                if (!(vcpus > 0) || !(mem > 0)) {
                    throw new IllegalStateException(csv.where() + ": vcpus and memory_gib must be > 0");
                }
                // nominal_vcpus and availability_confirmed were added to the format later: optional columns (absent =
                // no separate nominal count / confirmed), strict when present; the bundled files always carry them.
                double nominal = csv.has("nominal_vcpus") ? csv.getDouble("nominal_vcpus") : Double.NaN;
                if (Double.isNaN(nominal)) {
                    nominal = 0;
                } else if (!(nominal > vcpus)) {
                    throw new IllegalStateException(csv.where() + ": nominal_vcpus must exceed vcpus when set");
                }
                InstanceTypeSpec t = new InstanceTypeSpec(p, csv.get("name"), csv.get("family"),
                        csv.getInt("generation"), vcpus, nominal, mem, csv.getInt("gpu_count"), csv.get("gpu_model"),
                        architecture(csv), csv.getBoolean("burstable"), csv.getBoolean("shared_core"),
                        csv.getBoolean("bare_metal"), tee(csv), specSource, csv.getBoolean("spec_derived"),
                        csv.getBoolean("retired"));
                if (out.computeIfAbsent(p, k -> new TreeMap<>()).put(t.name(), t) != null) {
                    throw new IllegalStateException(csv.where() + ": duplicate type " + t.name());
                }
            }
        }
        return out;
    }

    private static Architecture architecture(Csv csv) {
        String a = csv.get("architecture");
        return switch (a) {
            case "x86_64" -> Architecture.X86_64;
            case "arm64" -> Architecture.ARM64;
            default -> throw new IllegalStateException(csv.where() + ": unknown architecture " + a);
        };
    }

    private static Set<TeeTechnology> tee(Csv csv) {
        String v = csv.get("tee");
        if (v.isEmpty()) {
            return Set.of();
        }
        EnumSet<TeeTechnology> set = EnumSet.noneOf(TeeTechnology.class);
        for (String s : v.split(";")) {
            try {
                set.add(TeeTechnology.valueOf(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(csv.where() + ": unknown tee " + s, e);
            }
        }
        return set;
    }

    private static Map<Provider, Map<String, List<Offer>>> readOffers(BufferedReader r,
            Map<Provider, SortedMap<String, InstanceTypeSpec>> types, Map<String, PriceSource> sources)
            throws IOException {
        Map<Provider, Map<String, List<Offer>>> out = new EnumMap<>(Provider.class);
        try (r) {
            Csv csv = new Csv(r, "offers.csv");
            while (csv.next()) {
                Provider p = provider(csv);
                String name = csv.get("instance_type");
                InstanceTypeSpec t = types.getOrDefault(p, new TreeMap<>()).get(name);
                if (t == null) {
                    throw new IllegalStateException(csv.where() + ": offer of unknown type " + name);
                }
                String region = csv.get("region");
                ZoneNames.zone(p, region).ifPresent(z -> {
                    throw new IllegalStateException(csv.where() + ": " + region + " is a zone (" + z.kind()
                            + ") of region " + z.parentRegion() + ", not a region: the catalog prices regions");
                });
                boolean monthly = "monthly".equals(csv.get("billing"));
                double monthlyUsd = csv.getDouble("monthly_usd");
                PriceQuote onDemand = quote(csv, "on_demand_usd_per_hour", "price_source", sources, monthly,
                        Double.isNaN(monthlyUsd) ? 0 : monthlyUsd);
                PriceQuote spot = quote(csv, "spot_usd_per_hour", "spot_source", sources, false, 0);
                out.computeIfAbsent(p, k -> new HashMap<>())
                        .computeIfAbsent(region, k -> new ArrayList<>())
                        .add(new Offer(t, region, onDemand, spot, availability(csv)));
            }
        }
        return out;
    }

    private static boolean availability(Csv csv) {
        if (!csv.has("availability_confirmed")) {
            return true;
        }
        return switch (csv.get("availability_confirmed")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalStateException(csv.where() + ": availability_confirmed must be true or false");
        };
    }

    private static PriceQuote quote(Csv csv, String column, String sourceColumn, Map<String, PriceSource> sources,
            boolean monthly, double monthlyUsd) {
        double v = csv.getDouble(column);
        if (Double.isNaN(v)) {
            return null;
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalStateException(csv.where() + ": " + column + " must be > 0, was " + v);
        }
        PriceSource s = sources.get(csv.get(sourceColumn));
        if (s == null) {
            throw new IllegalStateException(csv.where() + ": unknown " + sourceColumn + " " + csv.get(sourceColumn));
        }
        return new PriceQuote(v, s, monthly, monthlyUsd);
    }
}

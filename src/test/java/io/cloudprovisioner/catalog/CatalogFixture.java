package io.cloudprovisioner.catalog;

import io.cloudprovisioner.domain.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test-only builder of a small synthetic catalog. It writes the three CSV files in the documented format into a
 * directory and loads them through the real {@link CatalogLoader} (via a {@link URLClassLoader} over that
 * directory, with no parent so that the bundled catalog can never be picked up instead).
 *
 * <p>Every provider gets a spec source {@code <id>-spec} and a price source {@code <id>-price}.
 */
public final class CatalogFixture {
    public static final String SOURCES_HEADER = "id,provider,kind,description,origin,licence,as_of";
    public static final String TYPES_HEADER = "provider,name,family,generation,vcpus,memory_gib,gpu_count,gpu_model,"
            + "architecture,burstable,shared_core,bare_metal,tee,spec_source,spec_derived,retired";
    public static final String OFFERS_HEADER = "provider,instance_type,region,on_demand_usd_per_hour,"
            + "spot_usd_per_hour,price_source,spot_source,billing,monthly_usd";

    private final List<String> sources = new ArrayList<>();
    private final List<Type> types = new ArrayList<>();
    private final List<String> rawTypes = new ArrayList<>();
    private final List<String> offers = new ArrayList<>();

    public CatalogFixture() {
        for (Provider p : Provider.values()) {
            sources.add(p.id() + "-spec," + p.id() + ",spec,\"synthetic specs, for tests\",test,CC0,2026-11-25");
            sources.add(p.id() + "-price," + p.id() + ",price,synthetic prices,test,CC0,2026-11-25");
        }
    }

    /** A type with sensible defaults (family = name up to the first '.' or '-', generation 1, x86_64). */
    public Type type(Provider provider, String name, double vcpus, double memoryGib) {
        Type t = new Type(provider, name, vcpus, memoryGib);
        types.add(t);
        return t;
    }

    /** Shorthand for an AWS type. */
    public Type type(String name, double vcpus, double memoryGib) {
        return type(Provider.AWS, name, vcpus, memoryGib);
    }

    /** An hourly-billed offer; null prices are left empty (unknown). */
    public CatalogFixture offer(Provider provider, String type, String region, Double onDemand, Double spot) {
        offers.add(String.join(",", provider.id(), type, region, num(onDemand), num(spot),
                onDemand == null ? "" : provider.id() + "-price", spot == null ? "" : provider.id() + "-price",
                "hourly", ""));
        return this;
    }

    /** An AWS offer. */
    public CatalogFixture offer(String type, String region, Double onDemand, Double spot) {
        return offer(Provider.AWS, type, region, onDemand, spot);
    }

    /** A monthly-billed offer, normalised to monthly / 730 as the importer does. */
    public CatalogFixture monthlyOffer(Provider provider, String type, String region, double monthlyUsd) {
        offers.add(String.join(",", provider.id(), type, region, num(monthlyUsd / PriceQuote.HOURS_PER_MONTH), "",
                provider.id() + "-price", "", "monthly", num(monthlyUsd)));
        return this;
    }

    public CatalogFixture rawSource(String line) {
        sources.add(line);
        return this;
    }

    public CatalogFixture rawType(String line) {
        rawTypes.add(line);
        return this;
    }

    public CatalogFixture rawOffer(String line) {
        offers.add(line);
        return this;
    }

    /** Writes the three files into {@code dir} and loads them with the real loader. */
    public Catalog load(Path dir) {
        write(dir);
        try (URLClassLoader cl = new URLClassLoader(new URL[] { dir.toUri().toURL() }, null)) {
            return CatalogLoader.load("", cl);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the three files into {@code dir}. */
    public void write(Path dir) {
        List<String> t = new ArrayList<>();
        t.add(TYPES_HEADER);
        types.forEach(x -> t.add(x.csv()));
        t.addAll(rawTypes);
        List<String> s = new ArrayList<>();
        s.add(SOURCES_HEADER);
        s.addAll(sources);
        List<String> o = new ArrayList<>();
        o.add(OFFERS_HEADER);
        o.addAll(offers);
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("sources.csv"), s, StandardCharsets.UTF_8);
            Files.write(dir.resolve("instance-types.csv"), t, StandardCharsets.UTF_8);
            Files.write(dir.resolve("offers.csv"), o, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String num(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.10f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** A mutable row of instance-types.csv. */
    public static final class Type {
        private final Provider provider;
        private final String name;
        private final double vcpus;
        private final double memoryGib;
        private String family;
        private int generation = 1;
        private int gpuCount;
        private String gpuModel = "";
        private String architecture = "x86_64";
        private boolean burstable;
        private boolean sharedCore;
        private boolean bareMetal;
        private String tee = "";
        private boolean retired;

        Type(Provider provider, String name, double vcpus, double memoryGib) {
            this.provider = provider;
            this.name = name;
            this.vcpus = vcpus;
            this.memoryGib = memoryGib;
            this.family = name.split("[.-]")[0];
        }

        public Type family(String f) {
            family = f;
            return this;
        }

        public Type generation(int g) {
            generation = g;
            return this;
        }

        public Type gpus(int count, String model) {
            gpuCount = count;
            gpuModel = model;
            return this;
        }

        public Type arm() {
            architecture = "arm64";
            return this;
        }

        public Type burstable() {
            burstable = true;
            return this;
        }

        public Type sharedCore() {
            sharedCore = true;
            return this;
        }

        public Type bareMetal() {
            bareMetal = true;
            return this;
        }

        /** Semicolon-separated {@code TeeTechnology} names. */
        public Type tee(String technologies) {
            tee = technologies;
            return this;
        }

        public Type retired() {
            retired = true;
            return this;
        }

        String csv() {
            return String.join(",", provider.id(), name, family, Integer.toString(generation), num(vcpus),
                    num(memoryGib), Integer.toString(gpuCount), gpuModel, architecture, Boolean.toString(burstable),
                    Boolean.toString(sharedCore), Boolean.toString(bareMetal), tee, provider.id() + "-spec", "false",
                    Boolean.toString(retired));
        }
    }
}

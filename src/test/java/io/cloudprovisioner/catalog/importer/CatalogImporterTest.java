package io.cloudprovisioner.catalog.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spot checks of the importer's output against the source rows it was made from, per provider: names, vCPUs (active
 * and nominal), memory, GPUs, prices and their as_of. Skipped (with a message) only where the sources are not checked
 * out beside the repository, as {@link BundledCatalogIsReproducibleTest}.
 */
class CatalogImporterTest {
    static final Path SOURCES = BundledCatalogIsReproducibleTest.SOURCES;

    @TempDir
    static Path out;
    static CatalogImporter run;
    static Map<String, Map<String, String>> types = new HashMap<>();   // provider|name
    static Map<String, Map<String, String>> offers = new HashMap<>();  // provider|type|region
    static Map<String, Map<String, String>> sources = new HashMap<>(); // id

    @BeforeAll
    static void importOnce() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SOURCES), "catalog sources not found at " + SOURCES.toAbsolutePath());
        run = CatalogImporter.run(SOURCES, out);
        for (Map<String, String> r : CatalogImporter.readCsv(out.resolve("instance-types.csv"))) {
            types.put(r.get("provider") + "|" + r.get("name"), r);
        }
        for (Map<String, String> r : CatalogImporter.readCsv(out.resolve("offers.csv"))) {
            offers.put(r.get("provider") + "|" + r.get("instance_type") + "|" + r.get("region"), r);
        }
        for (Map<String, String> r : CatalogImporter.readCsv(out.resolve("sources.csv"))) {
            sources.put(r.get("id"), r);
        }
    }

    private static List<Map<String, String>> source(String file) throws Exception {
        return CatalogImporter.readCsv(SOURCES.resolve(file));
    }

    private static Map<String, String> row(List<Map<String, String>> rows, String column, String... keyValues) {
        for (Map<String, String> r : rows) {
            boolean all = r.get(column).equals(keyValues[0]);
            for (int i = 1; all && i < keyValues.length; i += 2) {
                all = r.get(keyValues[i]).equals(keyValues[i + 1]);
            }
            if (all) {
                return r;
            }
        }
        throw new AssertionError("no source row " + column + "=" + String.join(",", keyValues));
    }

    private static Map<String, String> type(String provider, String name) {
        Map<String, String> t = types.get(provider + "|" + name);
        assertNotNull(t, provider + " " + name + " not in the catalog");
        return t;
    }

    private static Map<String, String> offer(String provider, String name, String region) {
        Map<String, String> o = offers.get(provider + "|" + name + "|" + region);
        assertNotNull(o, provider + " " + name + " not offered in " + region);
        return o;
    }

    private static void assertNumber(String expected, String actual, String what) {
        assertEquals(0, new BigDecimal(expected).compareTo(new BigDecimal(actual)), what + ": " + expected + " vs "
                + actual);
    }

    private static String asOf(String sourceId) {
        return sources.get(sourceId).get("as_of");
    }

    // ---- Azure: constrained-vCPU sizes carry the active count, the nominal one beside it ------------------------

    @Test
    void azureConstrainedSizesCarryTheirActiveVcpusAndTheNominalCount() throws Exception {
        List<Map<String, String>> constrained = source("azure/constrained_vcpu_sizes.csv");
        List<Map<String, String>> sky = source("azure/vm_sizes_skypilot.csv");
        // name -> {active, nominal, GiB} as Microsoft's rule and the source rows give them
        Map<String, String[]> expected = new TreeMap<>(Map.of(
                "Standard_E32-16s_v4", new String[] {"16", "32", "256"},
                "Standard_E64-32s_v3", new String[] {"32", "64", "432"},
                "Standard_M8-2ms", new String[] {"2", "8", "218.75"},
                "Standard_DS11-1_v2", new String[] {"1", "2", "14"},
                "Standard_E16-4ds_v5", new String[] {"4", "16", "128"},
                "Standard_HB60-15rs", new String[] {"15", "60", "228"}));
        for (Map.Entry<String, String[]> e : expected.entrySet()) {
            String name = e.getKey();
            Map<String, String> t = type("azure", name);
            Map<String, String> c = row(constrained, "size", name);
            assertNumber(c.get("active_vcpus_from_name"), t.get("vcpus"), name + " active vCPUs = source");
            assertNumber(e.getValue()[0], t.get("vcpus"), name + " active vCPUs");
            assertNumber(e.getValue()[1], t.get("nominal_vcpus"), name + " nominal vCPUs");
            assertNumber(row(sky, "instance_type", name).get("memory_gib"), t.get("memory_gib"), name + " memory");
            assertNumber(e.getValue()[2], t.get("memory_gib"), name + " memory");
            assertEquals("true", t.get("spec_derived"), name + ": the active count is derived from the naming rule");
            assertEquals("azure-specs-constrained-skypilot", t.get("spec_source"));
        }
        // The Resource-SKU record that states vCPUsAvailable agrees.
        Map<String, String> m8 = row(source("azure/vm_sizes.csv"), "name", "Standard_M8-2ms");
        assertNumber(m8.get("vcpus_available"), type("azure", "Standard_M8-2ms").get("vcpus"), "M8-2ms available");
        // Every constrained size in the catalog: vcpus = the number after the dash, below the nominal count; every
        // other size has no nominal count.
        Pattern p = Pattern.compile("^Standard_[A-Z]+\\d+-(\\d+)[a-z]*(_.*)?$");
        int constrainedCount = 0;
        for (Map<String, String> t : types.values()) {
            if (!t.get("provider").equals("azure")) {
                continue;
            }
            Matcher m = p.matcher(t.get("name"));
            if (m.matches()) {
                constrainedCount++;
                assertNumber(m.group(1), t.get("vcpus"), t.get("name"));
                if (!t.get("nominal_vcpus").isEmpty()) {
                    assertTrue(new BigDecimal(t.get("nominal_vcpus")).compareTo(new BigDecimal(t.get("vcpus"))) > 0,
                            t.get("name"));
                }
            } else {
                assertEquals("", t.get("nominal_vcpus"), t.get("name"));
            }
        }
        assertEquals(134, constrainedCount, "every constrained size with a spec");
        // a price still comes from its source row
        Map<String, String> price = row(source("azure/prices.csv"), "size", "Standard_E32-16s_v4", "region", "eastus",
                "kind", "vm");
        Map<String, String> o = offer("azure", "Standard_E32-16s_v4", "eastus");
        assertNumber(price.get("usd_per_hour"), o.get("on_demand_usd_per_hour"), "E32-16s_v4 eastus");
        assertEquals(price.get("as_of"), asOf(o.get("price_source")));
    }

    // ---- DigitalOcean: every slug family of the doctl capture, with its prices -----------------------------------

    @Test
    void digitalOceanBasicSizesComeWithTheirDoctlPrices() throws Exception {
        List<Map<String, String>> doctl = source("digitalocean/sizes_doctl_capture.csv");
        for (String[] e : List.of(new String[] {"s-1vcpu-2gb", "1", "2", "0.017860", "12.00"},
                new String[] {"s-2vcpu-2gb", "2", "2", "0.026790", "18.00"},
                new String[] {"s-2vcpu-4gb", "2", "4", "0.035710", "24.00"})) {
            String slug = e[0];
            Map<String, String> src = row(doctl, "slug", slug);
            Map<String, String> t = type("digitalocean", slug);
            assertNumber(src.get("vcpus"), t.get("vcpus"), slug);
            assertNumber(e[1], t.get("vcpus"), slug);
            assertNumber(src.get("memory_gib"), t.get("memory_gib"), slug);
            assertNumber(e[2], t.get("memory_gib"), slug);
            assertEquals("do-sizes-doctl", t.get("spec_source"));
            assertNumber(e[3], src.get("price_hourly_usd"), slug + " source price");
            assertNumber(e[4], src.get("price_monthly_usd"), slug + " source monthly");
            Map<String, String> o = offer("digitalocean", slug, "nyc3");
            assertNumber(src.get("price_hourly_usd"), o.get("on_demand_usd_per_hour"), slug + " hourly");
            assertNumber(src.get("price_monthly_usd"), o.get("monthly_usd"), slug + " monthly");
            assertEquals(src.get("as_of"), asOf(o.get("price_source")));
            assertEquals("false", o.get("availability_confirmed"), slug + ": no source lists it in nyc3");
        }
        // A slug a source does place in a region: confirmed there, priced by the dated capture.
        Map<String, String> s1 = offer("digitalocean", "s-1vcpu-1gb", "nyc1");
        assertEquals("true", s1.get("availability_confirmed"));
        assertNumber(row(doctl, "slug", "s-1vcpu-1gb").get("price_hourly_usd"), s1.get("on_demand_usd_per_hour"),
                "s-1vcpu-1gb");
        // Every family of the capture is in the catalog with the capture's specs.
        Set<String> families = new TreeSet<>();
        for (Map<String, String> r : doctl) {
            Map<String, String> t = type("digitalocean", r.get("slug"));
            assertNumber(r.get("vcpus"), t.get("vcpus"), r.get("slug"));
            assertNumber(r.get("memory_gib"), t.get("memory_gib"), r.get("slug"));
            families.add(t.get("family"));
        }
        assertTrue(families.containsAll(Set.of("s", "c", "c2", "g", "gd", "m", "m3", "m6", "so", "so1_5", "gpu-h100")),
                families.toString());
        // GPU slugs: count and model from the capture; offered only where a source places the family.
        Map<String, String> h100 = type("digitalocean", "gpu-h100x8-640gb");
        assertEquals("8", h100.get("gpu_count"));
        assertEquals("nvidia h100", h100.get("gpu_model"));
        assertNumber(row(doctl, "slug", "gpu-h100x8-640gb").get("price_hourly_usd"),
                offer("digitalocean", "gpu-h100x8-640gb", "tor1").get("on_demand_usd_per_hour"), "H100x8");
        assertFalse(offers.keySet().stream().anyMatch(k -> k.startsWith("digitalocean|gpu-mi300x1-192gb|")),
                "no source places MI300X droplets in any region");
        assertNull(offers.get("digitalocean|gpu-h100x8-640gb|nyc1"), "GPU droplets not spread to CPU regions");
    }

    // ---- GCP: gcloud specs, GPUs, availability, prices and spot prices ------------------------------------------

    @Test
    void gcpTypesHaveGcloudSpecsGpusAndKarpenterPricesWithSpot() throws Exception {
        List<Map<String, String>> gcloud = source("gcp/machine_types_gcloud.csv");
        List<Map<String, String>> karp = source("gcp/machine_type_prices.csv");
        for (String[] e : List.of(new String[] {"g2-standard-4", "4", "16", "1", "nvidia l4"},
                new String[] {"g2-standard-48", "48", "192", "4", "nvidia l4"},
                new String[] {"a3-highgpu-8g", "208", "1872", "8", "nvidia h100 80gb"},
                new String[] {"a3-megagpu-8g", "208", "1872", "8", "nvidia h100 80gb mega"},
                new String[] {"a2-ultragpu-1g", "12", "170", "1", "nvidia a100 80gb"},
                new String[] {"n2d-standard-4", "4", "16", "0", ""},
                new String[] {"c3d-highcpu-30", "30", "59", "0", ""})) {
            String name = e[0];
            Map<String, String> src = row(gcloud, "machine_type", name);
            Map<String, String> t = type("gcp", name);
            assertNumber(src.get("vcpus"), t.get("vcpus"), name);
            assertNumber(e[1], t.get("vcpus"), name);
            assertNumber(src.get("memory_gib"), t.get("memory_gib"), name);
            assertNumber(e[2], t.get("memory_gib"), name);
            assertEquals(e[3], t.get("gpu_count"), name);
            assertEquals(e[4], t.get("gpu_model"), name);
            assertEquals("gcp-specs-gcloud", t.get("spec_source"));
            assertEquals("false", t.get("spec_derived"));
        }
        Map<String, String> g2 = offer("gcp", "g2-standard-4", "us-central1");
        Map<String, String> p = row(karp, "machine_type", "g2-standard-4", "region", "us-central1");
        assertNumber(p.get("usd_per_hour_on_demand"), g2.get("on_demand_usd_per_hour"), "g2 on demand");
        assertNumber(p.get("usd_per_hour_spot"), g2.get("spot_usd_per_hour"), "g2 spot");
        assertEquals("gcp-prices-karpenter", g2.get("spot_source"));
        assertEquals(p.get("as_of"), asOf(g2.get("price_source")));
        // Where Karpenter has no row, Cyclenerd's on-demand and spot price the offer, with their own as_of.
        List<Map<String, String>> cyc = source("gcp/prices_cyclenerd.csv");
        Set<String> karpPairs = new HashSet<>();
        karp.forEach(r -> karpPairs.add(r.get("machine_type") + "|" + r.get("region")));
        Map<String, String> cycRow = null;
        for (Map<String, String> r : cyc) {
            if (!karpPairs.contains(r.get("machine_type") + "|" + r.get("region")) && !r.get("spot_usd_per_hour")
                    .isEmpty() && offers.containsKey("gcp|" + r.get("machine_type") + "|" + r.get("region"))) {
                cycRow = r;
                break;
            }
        }
        assertNotNull(cycRow, "some offer is priced by Cyclenerd only");
        Map<String, String> co = offer("gcp", cycRow.get("machine_type"), cycRow.get("region"));
        assertEquals("gcp-prices-cyclenerd", co.get("price_source"));
        assertEquals("gcp-prices-cyclenerd", co.get("spot_source"));
        assertNumber(cycRow.get("usd_per_hour"), co.get("on_demand_usd_per_hour"), "cyclenerd on demand");
        assertNumber(cycRow.get("spot_usd_per_hour"), co.get("spot_usd_per_hour"), "cyclenerd spot");
        assertEquals(cycRow.get("as_of"), asOf("gcp-prices-cyclenerd"));
        // An offer exists exactly where gcloud lists the type (for the types in the catalog).
        Set<String> listed = new HashSet<>();
        for (Map<String, String> r : source("gcp/machine_type_regions_gcloud.csv")) {
            if (types.containsKey("gcp|" + r.get("machine_type"))) {
                listed.add("gcp|" + r.get("machine_type") + "|" + r.get("region"));
            }
        }
        Set<String> gcpOffers = new HashSet<>();
        offers.keySet().stream().filter(k -> k.startsWith("gcp|")).forEach(gcpOffers::add);
        assertEquals(listed, gcpOffers);
        // A listed type without any price stays unpriced (listed, never chosen).
        Map<String, String> mega = offers.entrySet().stream()
                .filter(x -> x.getKey().startsWith("gcp|n1-megamem-96|")).findFirst().orElseThrow().getValue();
        assertEquals("", mega.get("on_demand_usd_per_hour"));
        assertEquals("", mega.get("price_source"));
        // Types whose GPUs no source states, or only as a fraction, are left out rather than listed without GPUs.
        assertNull(types.get("gcp|a3-ultragpu-8g"));
        assertNull(types.get("gcp|g4-standard-6"));
        assertEquals("1", type("gcp", "g4-standard-48").get("gpu_count"));
    }

    @Test
    void gcpNamingRuleAgreesWithEveryGcloudRowExceptTheListedExceptions() {
        // The published <series>-<shape>-<vCPUs> rule is a cross-check; where gcloud disagrees gcloud's figure is
        // used, and the disagreements are exactly these (a change in either shows up here).
        assertEquals(Set.of("c3d-highcpu-30", "c3d-highcpu-60", "c3d-highcpu-90", "c3d-highcpu-180",
                "c3d-highcpu-360", "c4-highmem-2", "c4-standard-2", "n2-highmem-128"), run.gcpRuleExceptions.keySet());
        assertNumber("59", type("gcp", "c3d-highcpu-30").get("memory_gib"), "gcloud's figure");
        assertEquals("arm64", type("gcp", "c4a-standard-4").get("architecture"));
        assertEquals("arm64", type("gcp", "n4a-standard-4").get("architecture"));
        assertEquals("true", type("gcp", "e2-micro").get("shared_core"));
        assertEquals("true", type("gcp", "m2-ultramemx-96").get("retired"), "OBSOLETE");
        assertEquals("false", type("gcp", "n1-megamem-96").get("retired"), "DEPRECATED types can still be created");
    }

    // ---- AWS and Vultr: unchanged sources, spot checks ----------------------------------------------------------

    @Test
    void awsAndVultrRowsMatchTheirSources() throws Exception {
        Map<String, String> spec = row(source("aws/instance_types.csv"), "instance_type", "m5.large");
        Map<String, String> m5 = type("aws", "m5.large");
        assertNumber(spec.get("vcpus"), m5.get("vcpus"), "m5.large");
        assertNumber(spec.get("memory_gib"), m5.get("memory_gib"), "m5.large");
        Map<String, String> price = row(source("aws/prices_on_demand.csv"), "instance_type", "m5.large", "region",
                "us-east-1");
        Map<String, String> o = offer("aws", "m5.large", "us-east-1");
        assertNumber(price.get("usd_per_hour"), o.get("on_demand_usd_per_hour"), "m5.large us-east-1");
        assertEquals(price.get("as_of"), asOf(o.get("price_source")));
        assertEquals("", o.get("spot_usd_per_hour"), "no AWS spot prices in any source");
        Map<String, String> plan = row(source("vultr/plans.csv"), "id", "vc2-1c-1gb");
        Map<String, String> v = offer("vultr", "vc2-1c-1gb", "ewr");
        assertNumber(plan.get("monthly_cost_usd"), v.get("monthly_usd"), "vc2-1c-1gb");
        assertEquals(plan.get("as_of"), asOf(v.get("price_source")));
        assertEquals("monthly", v.get("billing"));
        assertTrue(offers.values().stream().filter(x -> !x.get("provider").equals("digitalocean"))
                .allMatch(x -> x.get("availability_confirmed").equals("true")), "only DO offers are inferred");
    }

    @Test
    void awsSpotAdvisorRowsAreCarriedAsTheFeedStatesThem() throws Exception {
        Map<String, Map<String, String>> advice = new HashMap<>();
        for (Map<String, String> r : CatalogImporter.readCsv(out.resolve("spot-advisor.csv"))) {
            advice.put(r.get("region") + "|" + r.get("instance_type"), r);
        }
        List<Map<String, String>> feed = source("aws/spot_advisor.csv");
        // spot checks against the source rows: a low, a high and a negative saving (spot dearer than on-demand)
        for (String[] k : new String[][] {{"us-east-1", "t3.micro"}, {"us-east-1", "m5.large"},
                {"ca-central-1", "p5.48xlarge"}, {"af-south-1", "c5.12xlarge"}}) {
            Map<String, String> src = row(feed, "region", k[0], "os", "Linux", "instance_type", k[1]);
            Map<String, String> got = advice.get(k[0] + "|" + k[1]);
            assertEquals(src.get("interruption_frequency"), got.get("interruption_frequency"), k[1]);
            assertEquals(src.get("savings_pct_vs_on_demand"), got.get("savings_pct"), k[1]);
            assertEquals("aws-spot-advisor", got.get("source"));
        }
        assertEquals("-62", advice.get("ca-central-1|p5.48xlarge").get("savings_pct"));
        // only Linux rows of offers the catalog has; every row's source is registered with its date
        for (Map<String, String> r : advice.values()) {
            assertTrue(offers.containsKey("aws|" + r.get("instance_type") + "|" + r.get("region")), r.toString());
        }
        long linuxOffered = feed.stream().filter(r -> r.get("os").equals("Linux"))
                .filter(r -> offers.containsKey("aws|" + r.get("instance_type") + "|" + r.get("region"))).count();
        assertEquals(linuxOffered, advice.size());
        assertEquals("2025-06-28T10:10:57Z", sources.get("aws-spot-advisor").get("as_of"));
        assertEquals("spot-advisor", sources.get("aws-spot-advisor").get("kind"));
    }
}

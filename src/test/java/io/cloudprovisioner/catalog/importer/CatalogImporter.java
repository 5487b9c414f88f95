package io.cloudprovisioner.catalog.importer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds the bundled instance-type / price catalog (src/main/resources/catalog) from the
 * provenance-tracked source snapshot in shared/catalog-sources.
 *
 * <p>Usage (from the repository root, single-file source launch, JDK 17, no dependencies):
 * <pre>
 *   java src/test/java/io/cloudprovisioner/catalog/importer/CatalogImporter.java \
 *        ../shared/catalog-sources src/main/resources/catalog
 * </pre>
 * or from a test: {@code CatalogImporter.run(sourcesDir, outDir)}.
 *
 * <p>Output (UTF-8, '\n', header row, RFC-4180 quoting only where needed, rows sorted):
 * sources.csv, instance-types.csv, offers.csv, plus licenses/ (copies of the sources' LICENSE texts).
 * Re-running on the same input is byte-identical.
 *
 * <p>Ground rules (shared/catalog-sources/README.md): facts only. No number is estimated; a
 * missing price stays an empty cell. A source value of 0 / 0.0 is never a price (AWS libcloud
 * 0.0 = dedicated-host artefact, aws/SOURCE.md; Azure Karpenter "0" meters) and becomes empty.
 * Wherever two sources describe the same thing the importer cross-checks them and throws
 * (fails loudly) on disagreement.
 *
 * <p>Units: vCPU count; memory in GiB (MiB / 1024 where a source gives MiB; Azure "MemoryGB"
 * copied as GiB, see catalog-sources README gap 8); prices USD per hour; Vultr quotes only a
 * monthly price, normalised to hourly by the 730 h/month convention (rounded HALF_UP to 6 dp).
 */
public final class CatalogImporter {

    /** Canonical TEE order in the {@code tee} column. */
    static final List<String> TEE_ORDER =
            List.of("NITRO_ENCLAVES", "AMD_SEV", "AMD_SEV_SNP", "INTEL_TDX", "INTEL_SGX");
    static final BigDecimal HOURS_PER_MONTH = new BigDecimal("730");
    static final BigDecimal MIB_PER_GIB = new BigDecimal("1024");

    static final List<String> SOURCE_HEADER =
            List.of("id", "provider", "kind", "description", "origin", "licence", "as_of");
    static final List<String> TYPE_HEADER = List.of("provider", "name", "family", "generation", "vcpus",
            "nominal_vcpus", "memory_gib", "gpu_count", "gpu_model", "architecture", "burstable", "shared_core", "bare_metal",
            "tee", "spec_source", "spec_derived", "retired");
    static final List<String> OFFER_HEADER = List.of("provider", "instance_type", "region",
            "on_demand_usd_per_hour", "spot_usd_per_hour", "price_source", "spot_source", "billing",
            "monthly_usd", "availability_confirmed");

    private static final String APACHE = "Apache-2.0";
    private static final String SKYPILOT_LICENCE =
            "Apache-2.0 (per repository metadata; the repository LICENSE file was not read)";
    private static final String LIBCLOUD = "apache/libcloud@6e39117d6f686e2f49b12fc8a24168d13b6e0ada:";
    private static final String MOTO = "getmoto/moto@0af643a5dbfc98797f08ee64f5be3ef8002d56ff:";
    private static final String KARP_AWS = "aws/karpenter-provider-aws@1d927085dd81a9df9301e613f371dac5b4d16bfe:";
    private static final String KARP_AZURE = "Azure/karpenter-provider-azure@352646f599290c3a6d2f9710fb535a7b288f88ed:";
    private static final String KARP_GCP = "cloudpilot-ai/karpenter-provider-gcp@417f047b117521aba6d3ab120dac538a92161bf4:";
    private static final String SKYPILOT = "skypilot-org/skypilot-catalog@";

    private final Path src;
    private final Path out;
    private final Map<String, Source> sources = new TreeMap<>();
    private final Map<String, TypeRow> types = new HashMap<>();   // provider|name
    private final Map<String, Offer> offers = new HashMap<>();    // provider|type|region
    private final Map<String, List<String>> notes = new LinkedHashMap<>(); // provider -> summary lines

    private CatalogImporter(Path src, Path out) {
        this.src = src;
        this.out = out;
        for (String p : List.of("aws", "gcp", "azure", "digitalocean", "vultr")) {
            notes.put(p, new ArrayList<>());
        }
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java CatalogImporter.java <catalog-sources dir> <output dir>");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]));
    }

    /** Reads {@code sources}, writes the catalog into {@code out}, prints a summary to stdout; returns the run. */
    public static CatalogImporter run(Path sources, Path out) {
        try {
            CatalogImporter run = new CatalogImporter(sources, out);
            run.execute();
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void execute() throws IOException {
        registerSources();
        importAws();
        importGcp();
        importAzure();
        importDigitalOcean();
        importVultr();
        importAwsSpotAdvisor();
        validate();
        Files.createDirectories(out);
        writeSources();
        writeTypes();
        writeOffers();
        writeSpotAdvice();
        copyLicences();
        System.out.print(summary());
    }

    // =====================================================================================
    // Sources (provenance). origin / licence / as_of copied from the */SOURCE.md files.
    // as_of is also checked against the as_of column of every data row that carries one:
    // one id == one as_of (ids whose rows had several as_of values are split).
    // =====================================================================================

    private void registerSources() {
        // --- AWS (aws/SOURCE.md)
        addSource("aws-specs-moto", "aws", "spec", "EC2 DescribeInstanceTypes dump (vCPU, memory, GPU, architectures, "
                + "burstable, bare metal, NitroEnclavesSupport, SupportedFeatures incl. amd-sev-snp) from moto; file "
                + "last regenerated in commit 34d6cad5 (2026-08-02)",
                MOTO + "moto/ec2/resources/instance_types.json", APACHE, "2026-08-02");
        addSource("aws-offerings-moto", "aws", "offering", "(region, instance type) offerings for 30 commercial regions "
                + "from moto (commit c6bd43ff, 2026-08-01); no GovCloud/China",
                MOTO + "moto/ec2/resources/instance_type_offerings/region/*.json", APACHE, "2026-08-01");
        addSource("aws-prices-karpenter", "aws", "price", "Linux shared-tenancy on-demand USD/h for us-east-1 from "
                + "Karpenter's generated pricing (AWS Pricing API)",
                KARP_AWS + "pkg/providers/pricing/zz_generated.pricing_aws.go", APACHE, "2026-07-20T13:44:30Z");
        addSource("aws-prices-karpenter-us-gov", "aws", "price", "Linux shared-tenancy on-demand USD/h for us-gov-east-1 "
                + "and us-gov-west-1 from Karpenter's generated pricing",
                KARP_AWS + "pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go", APACHE, "2026-07-20T13:44:38Z");
        addSource("aws-spot-advisor", "aws", "spot-advisor", "interruption frequency range and savings vs on-demand "
                + "per (region, Linux type) from AWS's public Spot Instance Advisor feed (spot-advisor-data.json) as "
                + "copied by spotinfo; not prices; as_of is the copy's commit date (the feed has no own date)",
                "alexei-led/spotinfo@5eedf20a99614443af215f4aaf09bd10805cac72:internal/spot/data/spot-advisor-data.json",
                APACHE, "2025-06-28T10:10:57Z");
        addSource("aws-prices-libcloud", "aws", "price", "Linux on-demand USD/h, 30 regions, libcloud pricing.json "
                + "compute.ec2_linux (2023-08, stale); source 0.0 values (dedicated-host artefact) left empty",
                LIBCLOUD + "libcloud/data/pricing.json#compute.ec2_linux", APACHE, "2023-08-06T15:34:36Z");
        // --- GCP (gcp/SOURCE.md)
        addSource("gcp-prices-karpenter", "gcp", "price", "per-machine-type on-demand and spot USD/h, 519 types x up to "
                + "43 regions (Cloud Billing Catalog via karpenter-provider-gcp; refresh commit 373e2baa)",
                KARP_GCP + "pkg/providers/pricing/initial-prices.json", APACHE, "2026-08-03T07:33:56+00:00");
        addSource("gcp-prices-cyclenerd", "gcp", "price", "per-machine-type on-demand and spot USD/h, 523 types x up "
                + "to 43 regions, computed by Cyclenerd/google-cloud-pricing-cost-calculator from Cloud Billing Catalog "
                + "SKUs (vCPU + RAM, plus bundled GPUs and local SSD for a2/a3/g2/g4; Linux, no licence). Used where "
                + "Karpenter (newer) has no row for the (type, region); agrees with Karpenter within 1% / 2% (spot)",
                "Cyclenerd/google-cloud-pricing-cost-calculator@fd66b26ff84f:pricing.yml", APACHE,
                "2026-07-30T06:13:17Z");
        addSource("gcp-specs-gcloud", "gcp", "spec", "complete `gcloud compute machine-types list` capture (568 types): "
                + "vCPUs, memory GiB, shared core, deprecation; GPU model/count of a2/a3/g2/g4 types from the same "
                + "project's pricing.yml (fd66b26, 2026-07-30). Cross-checked against Google's published naming rule "
                + "<series>-<shape>-<vCPUs> with per-series GiB per vCPU (https://cloud.google.com/compute/docs/"
                + "machine-resource): every rule-covered row agrees except the exceptions the importer lists, where "
                + "gcloud's figure is used; a2/a3 '-<N>g' = N GPUs checked against every GPU row",
                "Cyclenerd/google-cloud-pricing-cost-calculator@8c32d22df478:tools/machinetypes.csv;"
                        + "Cyclenerd/google-cloud-pricing-cost-calculator@fd66b26ff84f:pricing.yml",
                APACHE, "2026-07-01T06:43:33+00:00");
        addSource("gcp-offerings-gcloud", "gcp", "offering", "(machine type, region) offered, 43 regions, from "
                + "`gcloud compute machine-types list` (zone suffix stripped); the only current availability list, "
                + "so an offer exists exactly where this file lists the type",
                "Cyclenerd/google-cloud-pricing-cost-calculator@8bf3293a3561:tools/machinetyperegion.csv", APACHE,
                "2026-08-17T03:12:04+00:00");
        // --- Azure (azure/SOURCE.md)
        addSource("azure-specs-skypilot", "azure", "spec", "vCPU, memory GiB, accelerator name/count for 842 sizes from "
                + "SkyPilot catalog v6 (whole file read, 9 US regions); date unknown (commit 098741e7, no commit "
                + "date available)",
                SKYPILOT + "098741e70562f65d7af1cceb81e33b284f742604:catalogs/v6/azure/vms.csv", SKYPILOT_LICENCE, "");
        addSource("azure-specs-karpenter-sku-southcentralus", "azure", "spec", "Azure Resource SKU records (vCPUs, "
                + "MemoryGB, GPUs, CpuArchitectureType) captured by Karpenter's generator for southcentralus; spec "
                + "source of the 2 sizes SkyPilot lacks, cross-check + architecture for 18 others",
                KARP_AZURE + "pkg/fake/zz_generated.sku.southcentralus.go", APACHE, "2025-06-03T21:16:53Z");
        addSource("azure-specs-karpenter-sku-westcentralus", "azure", "spec", "Azure Resource SKU records captured by "
                + "Karpenter's generator for westcentralus; only cross-checks sizes that have a spec from elsewhere",
                KARP_AZURE + "pkg/fake/zz_generated.sku.westcentralus.go", APACHE, "2024-12-13T00:09:53Z");
        addSource("azure-specs-constrained-skypilot", "azure", "spec", "constrained-vCPU sizes (e.g. Standard_E32-16s_v4): "
                + "vcpus = the ACTIVE vCPU count, DERIVED from the name by Microsoft's published rule (the number after "
                + "the dash is the count of available vCPUs; memory, storage and I/O are those of the original size, "
                + "Microsoft Learn 'Constrained vCPU sizes for database workloads'); nominal_vcpus and memory from "
                + "SkyPilot catalog v6 (date unknown, commit 098741e7), which reports the underlying count. Checked "
                + "against azure/constrained_vcpu_sizes.csv and every Resource-SKU record's vCPUsAvailable",
                AZ_CONSTRAINED_RULE + ";" + SKYPILOT + "098741e70562f65d7af1cceb81e33b284f742604:catalogs/v6/azure/vms.csv",
                SKYPILOT_LICENCE, "");
        addSource("azure-known-skus-karpenter", "azure", "spec", "size name -> family (no specs); used only to identify "
                + "the DCsv2 family (standardDCSv2Family, incl. Standard_DC8_v2) for the INTEL_SGX flag",
                KARP_AZURE + "pkg/providers/instancetype/known_skus.yaml", APACHE, "2026-07-16");
        addSource("azure-prices-karpenter", "azure", "price", "Linux pay-as-you-go on-demand USD/h keyed by armSkuName, 57 "
                + "regions (Azure Retail Prices API via Karpenter's generator); source value 0 left empty",
                KARP_AZURE + "pkg/providers/pricing/zz_generated.pricing.go", APACHE, "2026-06-18T03:43:41Z");
        addSource("azure-prices-libcloud", "azure", "price", "Linux on-demand USD/h from libcloud pricing.json "
                + "compute.azure_linux (2023-08, stale); used only where Karpenter has no row for size+region; "
                + "keys joined by lower(name) without '_', regions only where the display-name key equals an ARM "
                + "region name",
                LIBCLOUD + "libcloud/data/pricing.json#compute.azure_linux", APACHE, "2023-08-06T15:34:36Z");
        addSource("azure-spot-skypilot", "azure", "price", "spot USD/h (SpotPrice) for 131 sizes (Basic_A0 .. "
                + "Standard_D32pds_v5) in 9 US regions from SkyPilot catalog v6 (first ~18% of rows); date unknown "
                + "(commit 098741e7); the only Azure spot prices available",
                SKYPILOT + "098741e70562f65d7af1cceb81e33b284f742604:catalogs/v6/azure/vms.csv", SKYPILOT_LICENCE, "");
        // --- DigitalOcean (digitalocean/SOURCE.md)
        for (String[] c : DO_SKYPILOT_COMMITS) {
            addSource("do-sizes-skypilot-" + c[0].substring(0, 8), "digitalocean", "price", "droplet slug, vCPU, GiB, "
                    + "hourly USD per region from SkyPilot DO catalog " + c[1] + "; date unknown (commit "
                    + c[0].substring(0, 8) + ", no commit date available); commit preference a66ac219 > 1fbe7331 > "
                    + "470429fd > 0e419765 when the same (slug, region) occurs in several",
                    SKYPILOT + c[0] + ":catalogs/" + c[1] + "/do/vms.csv", SKYPILOT_LICENCE, "");
        }
        addSource("do-sizes-doctl", "digitalocean", "price", "`doctl compute size list` capture (DigitalOcean /v2/sizes "
                + "as printed by doctl): every slug family (s-, c-, c2-, g-, gd-, m-, m3-, m6-, so-, so1_5-, gpu-) with "
                + "vCPUs, memory MiB, disk, monthly and hourly USD; as_of = commit date (the capture itself is undated). "
                + "NO regions: offers in regions no source lists for the slug are marked availability_confirmed=false",
                "polymathrobotics/oci@f803b4b25f6c1c1f8099b91f00609e207aeb5f2e:doctl/README.md", APACHE,
                "2025-06-23T18:48:01-04:00");
        addSource("do-sizes-openapi", "digitalocean", "price", "example /v2/sizes payloads in DigitalOcean's official "
                + "OpenAPI spec (s-1vcpu-1gb, gpu-h100x1-80gb); as_of = last commit touching the example files "
                + "(the example's own capture date is unknown)",
                "digitalocean/openapi@7c1300c479fed9c353cda9fc21cd968619552304:specification/resources/droplets/"
                        + "responses/examples.yml;digitalocean/openapi@7c1300c479fed9c353cda9fc21cd968619552304:"
                        + "specification/resources/sizes/responses/all_sizes.yml",
                APACHE, "2024-10-01T10:26:41-04:00");
        addSource("do-sizes-libcloud-2015", "digitalocean", "price", "retired 2015 slugs (512mb, 1gb) from a libcloud "
                + "test fixture; superseded by do-sizes-jclouds-2015 where both list a slug",
                LIBCLOUD + "libcloud/test/compute/fixtures/digitalocean_v2/list_sizes.json", APACHE,
                "2015-03-29T13:57:45+02:00");
        addSource("do-sizes-jclouds-2015", "digitalocean", "price", "retired 2015 slugs (512mb .. 64gb) from jclouds test "
                + "fixtures",
                "apache/jclouds@1f181bf00cf4dc7e2088472c08856ec1a5ae5716:providers/digitalocean2/src/test/resources/"
                        + "sizes-first.json;apache/jclouds@1f181bf00cf4dc7e2088472c08856ec1a5ae5716:providers/"
                        + "digitalocean2/src/test/resources/sizes-last.json",
                "Apache-2.0 (declared in pom.xml)", "2015-06-28T22:12:03+02:00");
        // --- Vultr (vultr/SOURCE.md)
        addSource("vultr-plans-libcloud", "vultr", "price", "Vultr API v2 /plans and /plans-metal responses captured as "
                + "libcloud test fixtures: 21 VPS + 4 bare-metal plans, monthly USD only",
                LIBCLOUD + "libcloud/test/compute/fixtures/vultr_v2/list_sizes.json;" + LIBCLOUD
                        + "libcloud/test/compute/fixtures/vultr_v2/ex_list_bare_metal_sizes.json",
                APACHE, "2021-10-05T14:18:05+03:00");
        addSource("vultr-plans-openapi-example", "vultr", "price", "example payloads of GET /plans and /plans-metal in the "
                + "Vultr OpenAPI spec ('All values in this guide are examples'); both ids also in the libcloud "
                + "capture, so these rows are dropped (not referenced)",
                "vultr/vultr-python-client@8cd1eaf3a4ec315d89d71c629cc5461695381001:openapi-client/swagger.json",
                APACHE, "2023-02-01T15:47:33-05:00");
    }

    private void addSource(String id, String provider, String kind, String description, String origin, String licence,
            String asOf) {
        if (asOf.isEmpty() && !description.contains("date unknown") && !description.contains("no own date")) {
            throw new IllegalStateException("source " + id + " has no as_of but does not say so");
        }
        if (sources.put(id, new Source(id, provider, kind, description, origin, licence, asOf)) != null) {
            throw new IllegalStateException("duplicate source id " + id);
        }
    }

    /** Fails loudly if a data row's as_of differs from its source id's as_of (one id = one as_of). */
    private void checkAsOf(String id, String rowAsOf) {
        Source s = sources.get(id);
        if (s == null) {
            throw new IllegalStateException("unknown source id " + id);
        }
        if (!s.asOf.equals(rowAsOf == null ? "" : rowAsOf)) {
            throw new IllegalStateException("source " + id + " has as_of '" + s.asOf + "' but a row says '"
                    + rowAsOf + "'; split the source id");
        }
    }

    // =====================================================================================
    // AWS — aws/instance_types.csv (moto DescribeInstanceTypes), aws/offerings.csv,
    // aws/prices_on_demand.csv (USD). aws/prices_on_demand_cn.csv is CNY and NOT imported.
    // =====================================================================================

    private static final Pattern AWS_GEN_U = Pattern.compile("^u-\\d+tb(\\d+)$"); // u-6tb1: generation 1
    private static final Pattern AWS_GEN = Pattern.compile("^[a-z]+(\\d+)");       // m6i -> 6, p6-b200 -> 6

    private void importAws() throws IOException {
        List<String> n = notes.get("aws");
        for (Map<String, String> r : readCsv(src.resolve("aws/instance_types.csv"))) {
            String name = r.get("instance_type");
            // Architecture: x86_64 if SupportedArchitectures contains x86_64, else arm64 if it contains arm64;
            // anything else (x86_64_mac, arm64_mac = EC2 Mac dedicated-host types) is skipped.
            Set<String> archs = Set.of(r.get("architectures").split(";"));
            String arch = archs.contains("x86_64") ? "x86_64" : archs.contains("arm64") ? "arm64" : null;
            if (arch == null) {
                n.add("  left out " + name + ": architecture " + r.get("architectures") + " (EC2 Mac)");
                continue;
            }
            String family = name.substring(0, name.indexOf('.'));
            Matcher mu = AWS_GEN_U.matcher(family);
            Matcher mg = AWS_GEN.matcher(family);
            // AWS naming convention (EC2 "Instance type naming conventions"): series letter(s), generation
            // digit(s), options, '.', size. High-memory "u-<N>tb1" carries the generation as trailing digit.
            int gen = mu.matches() ? Integer.parseInt(mu.group(1)) : mg.find() ? Integer.parseInt(mg.group(1)) : 0;
            BigDecimal mem = dec(r.get("memory_gib"));
            if (mem.compareTo(mib(r.get("memory_mib"))) != 0) {
                throw new IllegalStateException("aws " + name + ": memory_gib != memory_mib/1024");
            }
            Set<String> tee = new TreeSet<>();
            if ("supported".equals(r.get("nitro_enclaves_support"))) {
                tee.add("NITRO_ENCLAVES"); // tee.md: per-type NitroEnclavesSupport, verified in data
            }
            if (Arrays.asList(r.get("processor_features").split(";")).contains("amd-sev-snp")) {
                tee.add("AMD_SEV_SNP");   // tee.md: ProcessorInfo.SupportedFeatures, verified in data
            }
            TypeRow t = new TypeRow("aws", name);
            t.family = family;
            t.generation = gen;
            t.vcpus = dec(r.get("vcpus"));
            t.memoryGib = mem;
            t.gpuCount = r.get("gpu_count").isEmpty() ? 0 : Integer.parseInt(r.get("gpu_count"));
            t.gpuModel = r.get("gpu_model").toLowerCase(Locale.ROOT);
            t.architecture = arch;
            t.burstable = "true".equals(r.get("burstable"));
            t.sharedCore = false;
            t.bareMetal = "true".equals(r.get("bare_metal"));
            t.tee = tee;
            t.specSource = "aws-specs-moto";
            t.specDerived = false;
            // Previous-generation types (current_generation=false) are still launchable: retired=false.
            t.retired = false;
            addType(t);
        }
        // Offerings: union of moto (region, type) and every (type, region) that has a USD price.
        int offeringRows = 0;
        for (Map<String, String> r : readCsv(src.resolve("aws/offerings.csv"))) {
            if (!types.containsKey(key("aws", r.get("instance_type")))) {
                continue; // only Mac types (skipped above)
            }
            offer("aws", r.get("instance_type"), r.get("region"), "hourly");
            offeringRows++;
        }
        Set<String> pricedUnknownType = new TreeSet<>();
        int emptyNotOffered = 0;
        Set<String> seen = new java.util.HashSet<>();
        Set<String> zonesNotRegions = new TreeSet<>();
        for (Map<String, String> r : readCsv(src.resolve("aws/prices_on_demand.csv"))) {
            String type = r.get("instance_type");
            String region = r.get("region");
            if (!seen.add(type + "|" + region)) {
                throw new IllegalStateException("aws duplicate price row " + type + " " + region);
            }
            if (io.cloudprovisioner.catalog.ZoneNames.zone(io.cloudprovisioner.domain.Provider.AWS, region)
                    .isPresent()) {
                zonesNotRegions.add(region); // a Local Zone's own price: the catalog prices regions, not zones
                continue;
            }
            String id = switch (r.get("source")) {
                case "libcloud:libcloud/data/pricing.json#compute.ec2_linux" -> "aws-prices-libcloud";
                case "karpenter-provider-aws:pkg/providers/pricing/zz_generated.pricing_aws.go" -> "aws-prices-karpenter";
                case "karpenter-provider-aws:pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go" ->
                        "aws-prices-karpenter-us-gov";
                default -> throw new IllegalStateException("unknown aws price source " + r.get("source"));
            };
            checkAsOf(id, r.get("as_of"));
            if (!types.containsKey(key("aws", type))) {
                pricedUnknownType.add(type);
                continue;
            }
            BigDecimal p = price(r.get("usd_per_hour"));
            Offer o = offers.get(key("aws", type, region));
            if (p == null) {
                if (o == null) {
                    emptyNotOffered++; // empty (source 0.0) and not in moto's offerings: no evidence of offer
                }
                continue;
            }
            if (o == null) {
                o = offer("aws", type, region, "hourly");
            }
            o.onDemand = p;
            o.priceSource = id;
        }
        n.add("  offerings rows from moto: " + offeringRows);
        n.add("  price rows dropped, zones (Local Zones) that are not regions: " + zonesNotRegions);
        n.add("  price rows dropped, type not in moto's instance_types.json: " + pricedUnknownType.size()
                + " types " + pricedUnknownType);
        n.add("  price rows dropped, empty (libcloud 0.0) and (type, region) not in moto offerings: "
                + emptyNotOffered);
        n.add("  NOT imported: aws/prices_on_demand_cn.csv (cn-north-1, prices in CNY not USD); "
                + "aws/dedicated_host_prices_libcloud.csv (per-host prices); no AWS spot prices exist in the sources");
    }

    // =====================================================================================
    // GCP — specs: gcp/machine_types_gcloud.csv (complete gcloud list, GPU data from pricing.yml).
    // Offerings: gcp/machine_type_regions_gcloud.csv (an offer exists exactly where gcloud lists the type).
    // Prices: gcp/machine_type_prices.csv (Karpenter, newest), else gcp/prices_cyclenerd.csv; both carry spot.
    // Google's published naming rule is a cross-check of every rule-covered row, never a source of figures.
    // =====================================================================================

    /**
     * GiB per vCPU for predefined {@code <series>-<shape>-<vCPUs>} machine types — Google Cloud "Machine
     * families resource and comparison guide" and the per-series pages (general-purpose / compute-optimized
     * machine families). Used only to cross-check gcloud's rows (see {@link #gcpRuleExceptions}).
     */
    static final Map<String, Map<String, BigDecimal>> GCP_GIB_PER_VCPU = new TreeMap<>();
    /**
     * Arm series (Google Cloud "Arm VMs on Compute Engine": T2A Ampere Altra, C4A and N4A Google Axion, A4X NVIDIA
     * Grace); every other series is x86-64.
     */
    static final Set<String> GCP_ARM_SERIES = Set.of("t2a", "c4a", "n4a", "a4x");
    /** Accelerator-optimized series: their machine types come with GPUs; without GPU data such a type is left out. */
    static final Set<String> GCP_GPU_SERIES = Set.of("a2", "a3", "a4", "a4x", "g2", "g4");
    /**
     * pricing.yml GPU keys (gcp/SOURCE.md, build/mapping.csv of the same project) -> catalog gpu_model: a100 = the
     * "Nvidia Tesla A100" (40GB) SKU, a100-80gb, h100-80gb, h100-80gb-mega (A3 Mega), l4, rtx6000 = "RTX 6000 96GB".
     */
    static final Map<String, String> GCP_GPU_MODEL = Map.of(
            "a100", "nvidia a100",
            "a100-80gb", "nvidia a100 80gb",
            "h100-80gb", "nvidia h100 80gb",
            "h100-80gb-mega", "nvidia h100 80gb mega",
            "l4", "nvidia l4",
            "rtx6000", "nvidia rtx 6000 96gb");
    /** Google's accelerator-optimized naming: a2/a3 "-<N>g" = N attached GPUs. */
    private static final Pattern GCP_GPU_NAME = Pattern.compile("^a[23]-[a-z]+-(\\d+)g(?:-nolssd)?$");
    /** TPU host series (ct3, ct5lp, ..., tpu7x): accelerators are TPUs, no price or architecture in any source. */
    private static final Pattern GCP_TPU_SERIES = Pattern.compile("^(ct\\d+[a-z]*|tpu\\d+[a-z]*)$");

    static {
        gcpRule("e2", "4", "8", "1");
        gcpRule("n1", "3.75", "6.5", "0.9");
        gcpRule("n2", "4", "8", "1");
        gcpRule("n2d", "4", "8", "1");
        gcpRule("c2", "4", null, null);
        gcpRule("c2d", "4", "8", "2");
        gcpRule("c3", "4", "8", "2");
        gcpRule("c3d", "4", "8", "2");
        gcpRule("t2d", "4", null, null);
        gcpRule("t2a", "4", null, null);
        gcpRule("n4", "4", "8", "2");
        gcpRule("c4", "3.75", "7.75", "2");
        gcpRule("c4a", "4", "8", "2");
    }

    private static void gcpRule(String series, String standard, String highmem, String highcpu) {
        Map<String, BigDecimal> m = new TreeMap<>();
        m.put("standard", new BigDecimal(standard));
        if (highmem != null) {
            m.put("highmem", new BigDecimal(highmem));
        }
        if (highcpu != null) {
            m.put("highcpu", new BigDecimal(highcpu));
        }
        GCP_GIB_PER_VCPU.put(series, m);
    }

    /** Shared-core types documented individually: name -> {vCPUs, GiB}. All shared-core and burstable. */
    static final Map<String, String[]> GCP_SHARED_CORE = new TreeMap<>(Map.of(
            "e2-micro", new String[] {"2", "1"},
            "e2-small", new String[] {"2", "2"},
            "e2-medium", new String[] {"2", "4"},
            "f1-micro", new String[] {"1", "0.6"},
            "g1-small", new String[] {"1", "1.7"}));

    private static final Pattern GCP_PREDEFINED = Pattern.compile("^([a-z0-9]+)-(standard|highmem|highcpu)-(\\d+)$");
    private static final String GCLOUD_SPECS = "Cyclenerd/google-cloud-pricing-cost-calculator@8c32d22df478:"
            + "tools/machinetypes.csv";
    private static final String GCLOUD_REGIONS = "Cyclenerd/google-cloud-pricing-cost-calculator@8bf3293a3561:"
            + "tools/machinetyperegion.csv";
    private static final String CYCLENERD_PRICES = "Cyclenerd/google-cloud-pricing-cost-calculator@fd66b26ff84f:"
            + "pricing.yml";

    /** Names whose gcloud spec contradicts the published per-series rule (gcloud's figure is used), per run. */
    final Map<String, String> gcpRuleExceptions = new TreeMap<>();

    private void importGcp() throws IOException {
        List<String> n = notes.get("gcp");
        Map<String, List<String>> leftOut = new TreeMap<>();
        int ruleAgrees = 0;
        int gpuNameChecks = 0;
        for (Map<String, String> r : readCsv(src.resolve("gcp/machine_types_gcloud.csv"))) {
            if (!r.get("source").equals(GCLOUD_SPECS)) {
                throw new IllegalStateException("unexpected gcp spec source " + r.get("source"));
            }
            checkAsOf("gcp-specs-gcloud", r.get("as_of"));
            String name = r.get("machine_type");
            String series = name.substring(0, name.indexOf('-'));
            TypeRow t = new TypeRow("gcp", name);
            t.family = series;
            Matcher gm = Pattern.compile("\\d+").matcher(series);
            t.generation = gm.find() ? Integer.parseInt(gm.group()) : 0; // n2d -> 2, c4a -> 4, f1 -> 1
            t.vcpus = dec(r.get("vcpus"));
            t.memoryGib = dec(r.get("memory_gib"));
            t.architecture = GCP_ARM_SERIES.contains(series) ? "arm64" : "x86_64";
            t.bareMetal = name.endsWith("-metal");
            t.sharedCore = switch (r.get("shared_cpu")) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalStateException("gcp " + name + ": shared_cpu " + r.get("shared_cpu"));
            };
            t.burstable = t.sharedCore; // e2 shared-core, f1-micro, g1-small burst
            t.retired = switch (r.get("deprecated")) {
                case "OBSOLETE" -> true;          // can no longer be created
                case "", "DEPRECATED" -> false;   // deprecated types can still be created
                default -> throw new IllegalStateException("gcp " + name + ": deprecated " + r.get("deprecated"));
            };
            t.specSource = "gcp-specs-gcloud";
            t.specDerived = false;
            if (GCP_TPU_SERIES.matcher(series).matches()) {
                leftOut.computeIfAbsent("TPU host types (TPU accelerators, no price, no architecture in any source)",
                        k -> new ArrayList<>()).add(name);
                continue;
            }
            if (!r.get("gpu_model").isEmpty()) {
                BigDecimal count = dec(r.get("gpu_count"));
                if (count.scale() > 0) {
                    leftOut.computeIfAbsent("fractional GPU share (gpu_count < 1 or not whole), not a whole-GPU count",
                            k -> new ArrayList<>()).add(name + "(" + count + ")");
                    continue;
                }
                t.gpuCount = count.intValueExact();
                t.gpuModel = GCP_GPU_MODEL.get(r.get("gpu_model"));
                if (t.gpuModel == null) {
                    throw new IllegalStateException("gcp " + name + ": unknown GPU key " + r.get("gpu_model"));
                }
                Matcher m = GCP_GPU_NAME.matcher(name);
                if (m.matches()) {
                    gpuNameChecks++;
                    if (Integer.parseInt(m.group(1)) != t.gpuCount) {
                        throw new IllegalStateException("gcp " + name + ": " + t.gpuCount + " GPUs contradict the name");
                    }
                }
            } else if (GCP_GPU_SERIES.contains(series)) {
                leftOut.computeIfAbsent("accelerator-optimized type without GPU model/count in the source",
                        k -> new ArrayList<>()).add(name);
                continue;
            } else {
                t.gpuCount = 0; // n1 etc.: GPUs are attached separately (no per-region GPU prices in any source)
                t.gpuModel = "";
            }
            BigDecimal[] rule = deriveGcp(name);
            if (rule != null) {
                if (rule[0].compareTo(t.vcpus) == 0 && rule[1].compareTo(t.memoryGib) == 0) {
                    ruleAgrees++;
                } else {
                    gcpRuleExceptions.put(name, "rule " + rule[0] + " vCPU / " + rule[1] + " GiB, gcloud " + t.vcpus
                            + " / " + t.memoryGib);
                }
            }
            if (GCP_SHARED_CORE.containsKey(name) != t.sharedCore) {
                throw new IllegalStateException("gcp " + name + ": shared core " + t.sharedCore
                        + " contradicts the documented shared-core list");
            }
            // tee.md "brief only": AMD SEV on N2D/C2D/C3D, SEV-SNP on N2D, Intel TDX on C3.
            Set<String> tee = new TreeSet<>();
            if (Set.of("n2d", "c2d", "c3d").contains(series)) {
                tee.add("AMD_SEV");
            }
            if (series.equals("n2d")) {
                tee.add("AMD_SEV_SNP");
            }
            if (series.equals("c3")) {
                tee.add("INTEL_TDX");
            }
            t.tee = tee;
            addType(t);
        }
        // Offerings: exactly the (type, region) pairs gcloud lists; their spec columns must match the type's.
        int regionRows = 0;
        for (Map<String, String> r : readCsv(src.resolve("gcp/machine_type_regions_gcloud.csv"))) {
            if (!r.get("source").equals(GCLOUD_REGIONS)) {
                throw new IllegalStateException("unexpected gcp offering source " + r.get("source"));
            }
            checkAsOf("gcp-offerings-gcloud", r.get("as_of"));
            TypeRow t = types.get(key("gcp", r.get("machine_type")));
            if (t == null) {
                continue; // a type left out above
            }
            if (dec(r.get("vcpus")).compareTo(t.vcpus) != 0 || dec(r.get("memory_gib")).compareTo(t.memoryGib) != 0) {
                throw new IllegalStateException("gcp " + t.name + " " + r.get("region") + ": region row spec differs");
            }
            offer("gcp", t.name, r.get("region"), "hourly");
            regionRows++;
        }
        // Prices: Karpenter first (2026-08-03), Cyclenerd (2026-07-30) where Karpenter has no row. On-demand and spot
        // of one offer always come from the same row.
        int karp = 0;
        int cyc = 0;
        int notOffered = 0;
        for (Map<String, String> r : readCsv(src.resolve("gcp/machine_type_prices.csv"))) {
            if (!r.get("source").equals("karpenter-provider-gcp:pkg/providers/pricing/initial-prices.json")) {
                throw new IllegalStateException("unexpected gcp price source " + r.get("source"));
            }
            checkAsOf("gcp-prices-karpenter", r.get("as_of"));
            Offer o = offers.get(key("gcp", r.get("machine_type"), r.get("region")));
            if (o == null) {
                notOffered++;
                continue;
            }
            o.onDemand = price(r.get("usd_per_hour_on_demand"));
            o.priceSource = o.onDemand == null ? "" : "gcp-prices-karpenter";
            o.spot = price(r.get("usd_per_hour_spot"));
            o.spotSource = o.spot == null ? "" : "gcp-prices-karpenter";
            karp++;
        }
        for (Map<String, String> r : readCsv(src.resolve("gcp/prices_cyclenerd.csv"))) {
            if (!r.get("source").equals(CYCLENERD_PRICES)) {
                throw new IllegalStateException("unexpected gcp price source " + r.get("source"));
            }
            checkAsOf("gcp-prices-cyclenerd", r.get("as_of"));
            Offer o = offers.get(key("gcp", r.get("machine_type"), r.get("region")));
            if (o == null) {
                notOffered++;
                continue;
            }
            if (!o.priceSource.isEmpty() || !o.spotSource.isEmpty()) {
                continue; // Karpenter's newer row
            }
            o.onDemand = price(r.get("usd_per_hour"));
            o.priceSource = o.onDemand == null ? "" : "gcp-prices-cyclenerd";
            o.spot = price(r.get("spot_usd_per_hour"));
            o.spotSource = o.spot == null ? "" : "gcp-prices-cyclenerd";
            cyc++;
        }
        long gcpTypes = types.values().stream().filter(t -> t.provider.equals("gcp")).count();
        long unpricedTypes = types.values().stream().filter(t -> t.provider.equals("gcp"))
                .filter(t -> offers.values().stream().noneMatch(o -> o.provider.equals("gcp") && o.type.equals(t.name)
                        && o.onDemand != null)).count();
        n.add("  types: " + gcpTypes + " (" + unpricedTypes + " without any price: listed, never chosen); offers from "
                + "gcloud's region list: " + regionRows + "; priced by Karpenter: " + karp + ", by Cyclenerd: " + cyc
                + "; price rows for a (type, region) gcloud does not list (dropped): " + notOffered);
        n.add("  naming rule cross-check: " + ruleAgrees + " rows agree; exceptions (gcloud's figure used): "
                + gcpRuleExceptions);
        n.add("  a2/a3 '-<N>g' GPU count checks passed: " + gpuNameChecks);
        int total = leftOut.values().stream().mapToInt(List::size).sum();
        n.add("  left out: " + total + " names");
        for (Map.Entry<String, List<String>> e : leftOut.entrySet()) {
            n.add("    " + e.getKey() + " (" + e.getValue().size() + "): " + String.join(" ", e.getValue()));
        }
        n.add("  NOT imported: gcp/machine_types.csv (libcloud fixtures, superseded), gcp/machine_types_skypilot.csv and "
                + "gcp/prices_skypilot.csv (sample; a2/a3 exclude GPUs; TPU 700.0 placeholders), gcp/family_prices.csv "
                + "(2023 per-resource SKUs), gcp/machine_type_zones_gcloud_2023.csv (stale), "
                + "gcp/accelerator_type_regions_gcloud.csv (attachable GPUs: no prices in any source)");
    }

    /** vCPUs and GiB of a GCP name by the published rule, or null if the rule does not cover it. */
    static BigDecimal[] deriveGcp(String name) {
        String[] sc = GCP_SHARED_CORE.get(name);
        if (sc != null) {
            return new BigDecimal[] {new BigDecimal(sc[0]), new BigDecimal(sc[1])};
        }
        Matcher m = GCP_PREDEFINED.matcher(name);
        if (!m.matches()) {
            return null;
        }
        Map<String, BigDecimal> shapes = GCP_GIB_PER_VCPU.get(m.group(1));
        if (shapes == null || !shapes.containsKey(m.group(2))) {
            return null;
        }
        BigDecimal v = new BigDecimal(m.group(3));
        return new BigDecimal[] {v, norm(v.multiply(shapes.get(m.group(2))))};
    }
    // =====================================================================================
    // Azure — specs: azure/vm_sizes_skypilot.csv (842) + azure/vm_sizes.csv (Karpenter Resource-SKU records,
    // cross-checked, preferred for CpuArchitectureType). Prices: azure/prices.csv (Karpenter kind=vm rows;
    // libcloud rows only where Karpenter has none). Spot: azure/prices_skypilot.csv.
    // =====================================================================================

    /**
     * Azure size naming (Microsoft "Virtual machine size naming conventions"):
     * [Tier]_[Family letters][# vCPUs][-constrained vCPUs][additive features]_[accelerator]_[version].
     * family column = family letters + additive feature letters + accelerator + version, number(s) removed,
     * "_Promo" dropped: Standard_D4s_v5 -> Dsv5, Standard_DC4as_v5 -> DCasv5, Standard_B2s -> Bs,
     * Standard_NC24ads_A100_v4 -> NCadsA100v4, Standard_M8-2ms -> Mms, Basic_A0 -> A.
     * generation = N of the "_vN" part, 1 when there is none. Feature letter "p" = ARM-based processor.
     */
    private static final Pattern AZ_NAME =
            Pattern.compile("^(Standard|Basic)_([A-Z]+)(\\d+)(-\\d+)?([a-z]*)((?:_[A-Za-z0-9]+)*)$");
    // tee.md rows: DC/EC<n>a[d]s_v5|v6 = AMD SEV-SNP (MicrosoftDocs dcasv5-dcadsv5-series.md, PR #128510);
    // DC/EC<n>e[d]s_v5|v6 = Intel TDX (brief; v6 doc-confirmed); DC<n>[d]s_v3 and DCsv2 = Intel SGX
    // (MicrosoftDocs confidential-computing/quick-create-portal.md).
    private static final Pattern AZ_SEV_SNP = Pattern.compile("^Standard_(DC|EC)\\d+ad?s_v[56]$");
    private static final Pattern AZ_TDX = Pattern.compile("^Standard_(DC|EC)\\d+ed?s_v[56]$");
    private static final Pattern AZ_SGX_V3 = Pattern.compile("^Standard_DC\\d+d?s_v3$");

    private void importAzure() throws IOException {
        List<String> n = notes.get("azure");
        Map<String, Map<String, String>> sky = new TreeMap<>();
        for (Map<String, String> r : readCsv(src.resolve("azure/vm_sizes_skypilot.csv"))) {
            checkAsOf("azure-specs-skypilot", r.get("as_of"));
            if (sky.put(r.get("instance_type"), r) != null) {
                throw new IllegalStateException("azure skypilot duplicate size " + r.get("instance_type"));
            }
        }
        // Karpenter SKU records: group by name, the newest capture first.
        Map<String, List<Map<String, String>>> sku = new TreeMap<>();
        for (Map<String, String> r : readCsv(src.resolve("azure/vm_sizes.csv"))) {
            checkAsOf(azureSkuSource(r), r.get("as_of"));
            sku.computeIfAbsent(r.get("name"), k -> new ArrayList<>()).add(r);
        }
        Map<String, String> knownFamily = new TreeMap<>();
        for (Map<String, String> r : readCsv(src.resolve("azure/known_skus.csv"))) {
            knownFamily.put(r.get("name"), r.get("family"));
        }
        Set<String> specNames = new TreeSet<>(sky.keySet());
        specNames.addAll(sku.keySet());
        Map<String, Map<String, String>> constrained = new TreeMap<>();
        for (Map<String, String> r : readCsv(src.resolve("azure/constrained_vcpu_sizes.csv"))) {
            if (!AZ_CONSTRAINED_RULE.equals(r.get("rule_source"))) {
                throw new IllegalStateException("azure constrained size " + r.get("size") + ": unexpected rule source "
                        + r.get("rule_source"));
            }
            if (constrained.put(r.get("size"), r) != null) {
                throw new IllegalStateException("azure constrained size listed twice: " + r.get("size"));
            }
        }
        int constrainedApplied = 0;
        Map<String, BigDecimal> baseVcpus = new TreeMap<>();
        sky.forEach((k, v) -> baseVcpus.put(k, dec(v.get("vcpus"))));
        int skuChecks = 0;
        for (String name : specNames) {
            Matcher m = AZ_NAME.matcher(name);
            if (!m.matches()) {
                throw new IllegalStateException("azure size name not following the naming convention: " + name);
            }
            TypeRow t = new TypeRow("azure", name);
            List<String> extra = new ArrayList<>(Arrays.asList(m.group(6).split("_")));
            extra.removeIf(s -> s.isEmpty() || s.equals("Promo") || s.chars().allMatch(Character::isDigit));
            t.family = m.group(2) + m.group(5) + String.join("", extra);
            int gen = 1;
            for (String part : m.group(6).split("_")) {
                if (part.matches("^v\\d+$")) {
                    gen = Integer.parseInt(part.substring(1));
                }
            }
            t.generation = gen;
            String nameArch = m.group(5).contains("p") ? "arm64" : "x86_64";
            Map<String, String> s = sky.get(name);
            List<Map<String, String>> recs = sku.getOrDefault(name, List.of());
            String skuArch = null;
            for (Map<String, String> r : recs) {
                String a = switch (r.get("cpu_architecture")) {
                    case "Arm64" -> "arm64";
                    case "x64" -> "x86_64";
                    default -> throw new IllegalStateException("azure unknown CpuArchitectureType " + r);
                };
                if (skuArch != null && !skuArch.equals(a)) {
                    throw new IllegalStateException("azure " + name + ": SKU records disagree on architecture");
                }
                skuArch = a;
                BigDecimal[] ref = s != null
                        ? new BigDecimal[] {dec(s.get("vcpus")), dec(s.get("memory_gib"))}
                        : new BigDecimal[] {dec(recs.get(0).get("vcpus")), dec(recs.get(0).get("memory_gib"))};
                if (dec(r.get("vcpus")).compareTo(ref[0]) != 0 || dec(r.get("memory_gib")).compareTo(ref[1]) != 0) {
                    throw new IllegalStateException("azure " + name + ": vCPU/memory disagree between SkyPilot and "
                            + "Karpenter SKU record " + r.get("location"));
                }
                skuChecks++;
            }
            if (skuArch != null && !skuArch.equals(nameArch)) {
                throw new IllegalStateException("azure " + name + ": CpuArchitectureType " + skuArch
                        + " contradicts the 'p' naming convention");
            }
            t.architecture = skuArch != null ? skuArch : nameArch;
            if (s != null) {
                t.vcpus = dec(s.get("vcpus"));
                t.memoryGib = dec(s.get("memory_gib"));
                t.gpuCount = s.get("accelerator_count").isEmpty() ? 0 : Integer.parseInt(s.get("accelerator_count"));
                t.gpuModel = s.get("accelerator_name").toLowerCase(Locale.ROOT); // copied as is (oddities kept)
                t.specSource = "azure-specs-skypilot";
            } else {
                Map<String, String> r = recs.stream().max(Comparator.comparing(x -> x.get("as_of"))).orElseThrow();
                t.vcpus = dec(r.get("vcpus"));
                t.memoryGib = dec(r.get("memory_gib"));
                t.gpuCount = r.get("gpu_count").isEmpty() ? 0 : Integer.parseInt(r.get("gpu_count"));
                t.gpuModel = "";
                t.specSource = azureSkuSource(r);
            }
            t.burstable = name.startsWith("Standard_B");
            t.sharedCore = false;
            t.bareMetal = false;
            t.specDerived = false;
            t.retired = false;
            Set<String> tee = new TreeSet<>();
            if (AZ_SEV_SNP.matcher(name).matches()) {
                tee.add("AMD_SEV_SNP");
            }
            if (AZ_TDX.matcher(name).matches()) {
                tee.add("INTEL_TDX");
            }
            if (AZ_SGX_V3.matcher(name).matches() || "standardDCSv2Family".equals(knownFamily.get(name))) {
                tee.add("INTEL_SGX"); // DCsv2 family incl. Standard_DC8_v2 per known_skus.yaml
            }
            t.tee = tee;
            Map<String, String> c = constrained.get(name);
            if (c != null) {
                applyConstrained(t, c, recs, baseVcpus);
                constrainedApplied++;
            } else if (m.group(4) != null) {
                throw new IllegalStateException("azure " + name + " has a constrained-vCPU suffix but is not in "
                        + "azure/constrained_vcpu_sizes.csv");
            }
            addType(t);
        }
        // Prices
        Set<String> armRegions = new TreeSet<>();
        List<Map<String, String>> priceRows = readCsv(src.resolve("azure/prices.csv"));
        List<Map<String, String>> lib = new ArrayList<>();
        Set<String> pricedNoSpec = new TreeSet<>();
        int karpZero = 0;
        int nonVm = 0;
        for (Map<String, String> r : priceRows) {
            if (r.get("source").startsWith("libcloud:")) {
                checkAsOf("azure-prices-libcloud", r.get("as_of"));
                lib.add(r);
                continue;
            }
            if (!r.get("source").equals("karpenter-provider-azure:pkg/providers/pricing/zz_generated.pricing.go")) {
                throw new IllegalStateException("unexpected azure price source " + r.get("source"));
            }
            checkAsOf("azure-prices-karpenter", r.get("as_of"));
            armRegions.add(r.get("region"));
            if (!r.get("kind").equals("vm")) {
                nonVm++;
                continue; // dedicated-host / non-VM meters
            }
            String name = r.get("size");
            if (!types.containsKey(key("azure", name))) {
                pricedNoSpec.add(name);
                continue;
            }
            if (offers.containsKey(key("azure", name, r.get("region")))) {
                throw new IllegalStateException("azure duplicate karpenter price " + name + " " + r.get("region"));
            }
            Offer o = offer("azure", name, r.get("region"), "hourly");
            o.onDemand = price(r.get("usd_per_hour"));
            if (o.onDemand == null) {
                karpZero++;
            }
            o.priceSource = o.onDemand == null ? "" : "azure-prices-karpenter";
        }
        // libcloud: key = lower(tier_size) with '_' removed (libcloud contrib/scrape-azure-prices.py);
        // region = display name lowercased without spaces, used only when it equals an ARM region name.
        Map<String, List<String>> byKey = new TreeMap<>();
        for (String name : specNames) {
            byKey.computeIfAbsent(name.toLowerCase(Locale.ROOT).replace("_", ""), k -> new ArrayList<>()).add(name);
        }
        int libUsed = 0;
        int libShadowed = 0;
        Set<String> libRegionSkipped = new TreeSet<>();
        Set<String> libKeyUnmatched = new TreeSet<>();
        for (Map<String, String> r : lib) {
            List<String> cand = byKey.get(r.get("size"));
            if (cand == null || cand.size() != 1) {
                libKeyUnmatched.add(r.get("size"));
                continue;
            }
            if (!armRegions.contains(r.get("region"))) {
                libRegionSkipped.add(r.get("region"));
                continue;
            }
            String name = cand.get(0);
            if (offers.containsKey(key("azure", name, r.get("region")))) {
                libShadowed++;
                continue; // Karpenter row (2026) exists: preferred
            }
            BigDecimal p = price(r.get("usd_per_hour"));
            if (p == null) {
                continue;
            }
            Offer o = offer("azure", name, r.get("region"), "hourly");
            o.onDemand = p;
            o.priceSource = "azure-prices-libcloud";
            libUsed++;
        }
        // Spot: SkyPilot, where size+region match.
        int spotSet = 0;
        int spotNewRows = 0;
        int spotEmpty = 0;
        for (Map<String, String> r : readCsv(src.resolve("azure/prices_skypilot.csv"))) {
            checkAsOf("azure-spot-skypilot", r.get("as_of"));
            String name = r.get("instance_type");
            if (!types.containsKey(key("azure", name))) {
                throw new IllegalStateException("azure skypilot price for unknown size " + name);
            }
            BigDecimal sp = price(r.get("spot_usd_per_hour"));
            if (sp == null) {
                spotEmpty++;
                continue;
            }
            Offer o = offers.get(key("azure", name, r.get("region")));
            if (o == null) {
                o = offer("azure", name, r.get("region"), "hourly");
                spotNewRows++;
            }
            o.spot = sp;
            o.spotSource = "azure-spot-skypilot";
            spotSet++;
        }
        n.add("  constrained-vCPU sizes with a spec (vcpus = active count from the name, nominal_vcpus = underlying): "
                + constrainedApplied + " of " + constrained.size() + " listed in azure/constrained_vcpu_sizes.csv");
        n.add("  sizes with spec: " + specNames.size() + " (SkyPilot " + sky.size() + ", Karpenter SKU records only: "
                + specNames.stream().filter(x -> !sky.containsKey(x)).toList() + "); SKU record cross-checks passed: "
                + skuChecks);
        n.add("  left out: " + pricedNoSpec.size() + " sizes with a Karpenter price but no spec (e.g. "
                + pricedNoSpec.stream().limit(12).collect(Collectors.joining(" ")) + " ...)");
        n.add("  Karpenter non-VM meter rows ignored: " + nonVm + "; Karpenter rows with source price 0 (left empty): "
                + karpZero);
        n.add("  libcloud 2023 rows used (no Karpenter row for size+region): " + libUsed + "; shadowed by Karpenter: "
                + libShadowed + "; regions skipped (not an ARM region name in Karpenter's list): " + libRegionSkipped
                + "; keys without a unique spec'd size (incl. lowpriority*): " + libKeyUnmatched.size());
        n.add("  spot prices set from SkyPilot: " + spotSet + " (rows created only for spot: " + spotNewRows
                + ", source spot empty: " + spotEmpty + ")");
    }

    /** Microsoft Learn, "Constrained vCPU sizes for database workloads" (the rule, azure/SOURCE.md). */
    static final String AZ_CONSTRAINED_RULE = "https://learn.microsoft.com/azure/virtual-machines/constrained-vcpu";
    /** {@code Standard_<letters><digits>-<active><rest>}: the number after the dash is the active vCPU count. */
    private static final Pattern AZ_CONSTRAINED = Pattern.compile("^Standard_[A-Z]+\\d+-(\\d+)[a-z]*(?:_[A-Za-z0-9]+)*$");

    /**
     * A constrained-vCPU size (Microsoft rule: the suffix after the dash is the number of available vCPUs; memory,
     * storage and I/O stay those of the original size). vcpus becomes the active count, nominal_vcpus the underlying
     * count the spec source reports. Cross-checked, failing loudly: the name's suffix = the sources file's
     * active_vcpus_from_name; the spec's vCPUs = its underlying_vcpus; where a Resource-SKU record gives
     * vCPUsAvailable, it equals the active count; active is below the underlying count.
     */
    private static void applyConstrained(TypeRow t, Map<String, String> c, List<Map<String, String>> skuRecords,
            Map<String, BigDecimal> baseVcpus) {
        Matcher m = AZ_CONSTRAINED.matcher(t.name);
        if (!m.matches()) {
            throw new IllegalStateException("azure constrained size " + t.name + " does not follow the naming rule");
        }
        BigDecimal active = dec(m.group(1));
        if (active.compareTo(dec(c.get("active_vcpus_from_name"))) != 0) {
            throw new IllegalStateException("azure " + t.name + ": active vCPUs from the name " + active
                    + " != constrained_vcpu_sizes.csv " + c.get("active_vcpus_from_name"));
        }
        if (!c.get("underlying_vcpus").isEmpty() && dec(c.get("underlying_vcpus")).compareTo(t.vcpus) != 0) {
            throw new IllegalStateException("azure " + t.name + ": spec vCPUs " + t.vcpus + " != underlying "
                    + c.get("underlying_vcpus"));
        }
        for (Map<String, String> r : skuRecords) {
            if (!r.get("vcpus_available").isEmpty() && dec(r.get("vcpus_available")).compareTo(active) != 0) {
                throw new IllegalStateException("azure " + t.name + ": Resource SKU vCPUsAvailable "
                        + r.get("vcpus_available") + " != active " + active);
            }
        }
        if (active.compareTo(t.vcpus) > 0) {
            throw new IllegalStateException("azure " + t.name + ": active " + active + " above the spec's " + t.vcpus);
        }
        if (active.compareTo(t.vcpus) == 0) {
            // The spec source already reports the active count (e.g. Standard_HB60-15rs = 15): the nominal count is
            // the original size's, when a spec of it exists.
            BigDecimal base = baseVcpus.get(c.get("base_size"));
            if (base != null && base.compareTo(active) <= 0) {
                throw new IllegalStateException("azure " + t.name + ": base size has " + base + " vCPUs, not more");
            }
            t.nominalVcpus = base;
        } else {
            t.nominalVcpus = t.vcpus;
            t.vcpus = active;
        }
        t.specSource = t.specSource.equals("azure-specs-skypilot") ? "azure-specs-constrained-skypilot"
                : "azure-specs-constrained-" + t.specSource.substring("azure-specs-".length());
        t.specDerived = true;
    }

    private static String azureSkuSource(Map<String, String> r) {
        return switch (r.get("source")) {
            case "karpenter-provider-azure:pkg/fake/zz_generated.sku.southcentralus.go" ->
                    "azure-specs-karpenter-sku-southcentralus";
            case "karpenter-provider-azure:pkg/fake/zz_generated.sku.westcentralus.go" ->
                    "azure-specs-karpenter-sku-westcentralus";
            default -> throw new IllegalStateException("unknown azure sku source " + r.get("source"));
        };
    }

    // =====================================================================================
    // DigitalOcean — digitalocean/sizes_doctl_capture.csv (every current slug, dated prices, NO regions),
    // digitalocean/sizes_skypilot.csv (4 commits, overlapping) and digitalocean/sizes.csv (OpenAPI examples =
    // current; 2015 libcloud/jclouds slugs = retired). Specs from the first source listing the slug (doctl >
    // OpenAPI > SkyPilot a66ac219 > 1fbe7331 > 470429fd > 0e419765 > jclouds 2015 > libcloud 2015), cross-checked.
    // Prices: doctl wherever it lists the slug. Regions: the (slug, region) pairs the other sources list
    // (confirmed), plus the inference documented at the offers below (availability_confirmed=false).
    // =====================================================================================

    static final String[][] DO_SKYPILOT_COMMITS = {
        {"a66ac219187867b41de75bde7aef5c5006e0b1ef", "v6"},
        {"1fbe7331dd1f13d70ac4f249bb7ee7a659fc6b6a", "v6"},
        {"470429fd402c9ca281e590a44d0fabcdb6016006", "v5"},
        {"0e419765cebfa932a1bbae66a74996f68c83e96e", "v5"},
    };
    private static final Pattern DO_GPU_FAMILY = Pattern.compile("^(gpu-[a-z0-9]+?)x\\d+(-.*)?$");
    private static final Pattern DO_MANUFACTURER = Pattern.compile("(?i)'manufacturer':\\s*'([^']+)'");

    private static final String DOCTL_SOURCE = "polymathrobotics/oci@f803b4b25f6c:doctl/README.md";
    /** doctl's GPU names (Description column) -> catalog gpu_model, spelled as the other DO sources spell them. */
    static final Map<String, String> DO_DOCTL_GPU = Map.of(
            "H100", "nvidia h100",
            "MI300X", "amd mi300x",
            "L40S", "nvidia l40s",
            "RTX 4000 Ada", "nvidia rtx 4000 ada",
            "RTX 6000 Ada", "nvidia rtx 6000 ada");

    private record DoRow(String slug, String sourceId, int rank, BigDecimal vcpus, BigDecimal mem, int gpuCount,
            String gpuModel, BigDecimal hourly, BigDecimal monthly, List<String> regions, boolean retired) {}

    private void importDigitalOcean() throws IOException {
        List<String> n = notes.get("digitalocean");
        List<DoRow> rows = new ArrayList<>();
        for (Map<String, String> r : readCsv(src.resolve("digitalocean/sizes_skypilot.csv"))) {
            int rank = -1;
            for (int i = 0; i < DO_SKYPILOT_COMMITS.length; i++) {
                if (DO_SKYPILOT_COMMITS[i][0].equals(r.get("source_commit"))) {
                    rank = i;
                }
            }
            if (rank < 0) {
                throw new IllegalStateException("unknown DO skypilot commit " + r.get("source_commit"));
            }
            String id = "do-sizes-skypilot-" + r.get("source_commit").substring(0, 8);
            checkAsOf(id, r.get("as_of"));
            String model = "";
            if (!r.get("gpu_name").isEmpty()) {
                Matcher mm = DO_MANUFACTURER.matcher(r.get("gpu_info_raw"));
                model = ((mm.find() ? mm.group(1) + " " : "") + r.get("gpu_name")).toLowerCase(Locale.ROOT);
            }
            rows.add(new DoRow(r.get("slug"), id, 1 + rank, dec(r.get("vcpus")), dec(r.get("memory_gib")),
                    r.get("gpu_count").isEmpty() ? 0 : Integer.parseInt(r.get("gpu_count")), model,
                    price(r.get("price_hourly")), null, List.of(r.get("region")), false));
        }
        for (Map<String, String> r : readCsv(src.resolve("digitalocean/sizes.csv"))) {
            String s = r.get("source");
            String id;
            int rank;
            boolean retired;
            if (s.startsWith("digitalocean-openapi:")) {
                id = "do-sizes-openapi";
                rank = 0;
                retired = false;
            } else if (s.startsWith("jclouds:")) {
                id = "do-sizes-jclouds-2015";
                rank = 10;
                retired = true; // 2015 slugs (512mb, 1gb, ...) no longer exist
            } else if (s.startsWith("libcloud:")) {
                id = "do-sizes-libcloud-2015";
                rank = 11;
                retired = true;
            } else {
                throw new IllegalStateException("unknown DO source " + s);
            }
            checkAsOf(id, r.get("as_of"));
            // OpenAPI gpu_info.model "nvidia_h100" written as "nvidia h100" (same as SkyPilot's NVIDIA + H100).
            String model = r.get("gpu_model").toLowerCase(Locale.ROOT).replace('_', ' ');
            rows.add(new DoRow(r.get("slug"), id, rank, dec(r.get("vcpus")), mib(r.get("memory_mib")),
                    r.get("gpu_count").isEmpty() ? 0 : Integer.parseInt(r.get("gpu_count")), model,
                    price(r.get("price_hourly")), price(r.get("price_monthly")),
                    r.get("regions").isEmpty() ? List.of() : List.of(r.get("regions").split(";")), retired));
        }
        // doctl capture (2025-06-23): newest dated specs and prices of every current slug, but no regions.
        for (Map<String, String> r : readCsv(src.resolve("digitalocean/sizes_doctl_capture.csv"))) {
            if (!r.get("source").equals(DOCTL_SOURCE)) {
                throw new IllegalStateException("unexpected DO doctl source " + r.get("source"));
            }
            checkAsOf("do-sizes-doctl", r.get("as_of"));
            BigDecimal mem = mib(r.get("memory_mib"));
            if (mem.compareTo(dec(r.get("memory_gib"))) != 0) {
                throw new IllegalStateException("DO doctl " + r.get("slug") + ": memory_gib != memory_mib/1024");
            }
            String model = "";
            int gpus = 0;
            if (!r.get("gpu_model_from_description").isEmpty()) {
                model = DO_DOCTL_GPU.get(r.get("gpu_model_from_description"));
                if (model == null) {
                    throw new IllegalStateException("DO doctl unknown GPU " + r.get("gpu_model_from_description"));
                }
                gpus = Integer.parseInt(r.get("gpu_count_from_description"));
            } else if (r.get("slug").startsWith("gpu-")) {
                throw new IllegalStateException("DO doctl " + r.get("slug") + ": GPU slug without GPU data");
            }
            rows.add(new DoRow(r.get("slug"), "do-sizes-doctl", -1, dec(r.get("vcpus")), mem, gpus, model,
                    price(r.get("price_hourly_usd")), price(r.get("price_monthly_usd")), List.of(), false));
        }
        rows.sort(Comparator.comparingInt(DoRow::rank).thenComparing(DoRow::slug));
        Map<String, DoRow> specBy = new TreeMap<>();
        for (DoRow r : rows) {
            DoRow first = specBy.putIfAbsent(r.slug, r);
            if (first != null && (first.vcpus.compareTo(r.vcpus) != 0 || first.mem.compareTo(r.mem) != 0
                    || first.gpuCount != r.gpuCount || !first.gpuModel.equals(r.gpuModel))) {
                if (first.retired && r.retired) {
                    // Two 2015 test fixtures disagree (libcloud's hand-made fixture says 1gb = 2 vCPU,
                    // jclouds' says 1): keep the later jclouds capture, report it.
                    n.add("  conflict kept from " + first.sourceId + ": " + r.slug + " " + r.sourceId + " says "
                            + r.vcpus + " vCPU / " + r.mem + " GiB vs " + first.vcpus + " / " + first.mem);
                } else {
                    throw new IllegalStateException("DO spec conflict for " + r.slug + ": " + first + " vs " + r);
                }
            }
        }
        for (DoRow r : specBy.values()) {
            TypeRow t = new TypeRow("digitalocean", r.slug);
            Matcher g = DO_GPU_FAMILY.matcher(r.slug);
            if (g.matches()) {
                t.family = g.group(1);                       // gpu-h100x8-640gb -> gpu-h100
            } else if (r.slug.matches("^\\d+(mb|gb)$")) {
                t.family = "legacy";                         // 2015 slugs had no plan prefix
            } else {
                t.family = r.slug.substring(0, r.slug.indexOf('-')); // s-4vcpu-8gb -> s, g-... -> g
            }
            t.generation = 0;
            t.vcpus = r.vcpus;
            t.memoryGib = r.mem;
            t.gpuCount = r.gpuCount;
            t.gpuModel = r.gpuCount == 0 ? "" : r.gpuModel;
            t.architecture = "x86_64"; // DO droplets: no ARM sizes in any source
            t.burstable = false;
            t.sharedCore = false;
            t.bareMetal = false;
            t.tee = new TreeSet<>();
            t.specSource = r.sourceId;
            t.specDerived = false;
            t.retired = r.retired;
            addType(t);
        }
        // Prices: the dated doctl capture wherever it lists the slug (DigitalOcean prices a size the same in every
        // region), else the row's own source. Availability: the (slug, region) pairs a source lists are confirmed.
        Map<String, DoRow> doctl = new TreeMap<>();
        rows.stream().filter(r -> r.sourceId.equals("do-sizes-doctl")).forEach(r -> doctl.put(r.slug, r));
        for (DoRow r : rows) {
            for (String region : r.regions) {
                if (offers.containsKey(key("digitalocean", r.slug, region))) {
                    continue; // a preferred source already gave this (slug, region)
                }
                DoRow priced = doctl.getOrDefault(r.slug, r);
                Offer o = offer("digitalocean", r.slug, region, "hourly");
                o.onDemand = priced.hourly;
                o.priceSource = priced.hourly == null ? "" : priced.sourceId;
                o.monthly = priced.monthly;
            }
        }
        // doctl slugs in regions no source lists for them: offered, availability_confirmed=false. CPU slugs: every
        // region where some source lists a current CPU droplet; GPU slugs: only regions listed for a slug of the
        // same GPU family (GPU droplets exist in few regions); GPU families no source places anywhere get no offer.
        Set<String> cpuRegions = new TreeSet<>();
        Map<String, Set<String>> gpuFamilyRegions = new TreeMap<>();
        for (DoRow r : rows) {
            if (r.retired) {
                continue;
            }
            if (r.gpuCount == 0) {
                cpuRegions.addAll(r.regions);
            } else {
                gpuFamilyRegions.computeIfAbsent(types.get(key("digitalocean", r.slug)).family,
                        k -> new TreeSet<>()).addAll(r.regions);
            }
        }
        int unconfirmed = 0;
        Set<String> noRegion = new TreeSet<>();
        for (DoRow r : doctl.values()) {
            Set<String> regions = r.gpuCount == 0 ? cpuRegions
                    : gpuFamilyRegions.getOrDefault(types.get(key("digitalocean", r.slug)).family, Set.of());
            if (regions.isEmpty()) {
                noRegion.add(r.slug);
            }
            for (String region : regions) {
                if (offers.containsKey(key("digitalocean", r.slug, region))) {
                    continue;
                }
                Offer o = offer("digitalocean", r.slug, region, "hourly");
                o.onDemand = r.hourly;
                o.priceSource = r.hourly == null ? "" : r.sourceId;
                o.monthly = r.monthly;
                o.availabilityConfirmed = false;
                unconfirmed++;
            }
        }
        n.add("  sizes: " + specBy.size() + " (retired 2015 slugs: "
                + specBy.values().stream().filter(DoRow::retired).count() + "; from the doctl capture: " + doctl.size()
                + ")");
        n.add("  offers with availability_confirmed=false (doctl slug in a region no source lists it in): "
                + unconfirmed + "; CPU regions used: " + cpuRegions + "; GPU family regions: " + gpuFamilyRegions);
        n.add("  doctl GPU slugs without any region in any source (listed, no offer): " + noRegion);
    }

    // =====================================================================================
    // Vultr — vultr/plans.csv (libcloud API-v2 capture + 2 OpenAPI examples). plans_v1_legacy.csv skipped
    // (retired API v1 ids do not map to v2). Monthly price only: on-demand = monthly / 730 (6 dp, HALF_UP).
    // =====================================================================================

    private void importVultr() throws IOException {
        List<String> n = notes.get("vultr");
        Map<String, Map<String, String>> chosen = new TreeMap<>();
        for (Map<String, String> r : readCsv(src.resolve("vultr/plans.csv"))) {
            String id = vultrSource(r.get("source"));
            checkAsOf(id, r.get("as_of"));
            Map<String, String> prev = chosen.get(r.get("id"));
            if (prev == null) {
                chosen.put(r.get("id"), r);
                continue;
            }
            boolean prevLib = vultrSource(prev.get("source")).equals("vultr-plans-libcloud");
            boolean curLib = id.equals("vultr-plans-libcloud");
            if (prevLib == curLib) {
                throw new IllegalStateException("vultr duplicate plan id from the same source " + r.get("id"));
            }
            Map<String, String> keep = curLib ? r : prev;
            Map<String, String> drop = curLib ? prev : r;
            chosen.put(r.get("id"), keep);
            n.add("  duplicate id " + r.get("id") + ": kept libcloud capture (monthly " + keep.get("monthly_cost_usd")
                    + "), dropped OpenAPI example (monthly " + drop.get("monthly_cost_usd") + ")");
        }
        for (Map<String, String> r : chosen.values()) {
            String id = r.get("id");
            TypeRow t = new TypeRow("vultr", id);
            t.family = id.substring(0, id.indexOf('-')); // vc2, vhf, vdc, vbm
            t.generation = 0;
            boolean metal = switch (r.get("kind")) {
                case "vps" -> false;
                case "bare_metal" -> true;
                default -> throw new IllegalStateException("vultr kind " + r.get("kind"));
            };
            t.vcpus = dec(metal ? r.get("cpu_threads") : r.get("vcpu_count"));
            t.memoryGib = mib(r.get("ram_mib"));
            t.gpuCount = 0;
            t.gpuModel = "";
            t.architecture = "x86_64"; // no ARM plans in the capture (bare-metal CPUs: Xeon / EPYC)
            t.burstable = false;
            t.sharedCore = false;
            t.bareMetal = metal;
            t.tee = new TreeSet<>();
            t.specSource = vultrSource(r.get("source"));
            t.specDerived = false;
            t.retired = false;
            addType(t);
            BigDecimal monthly = price(r.get("monthly_cost_usd"));
            if (r.get("locations").isEmpty()) {
                n.add("  " + id + ": no locations in source -> no offers");
            }
            for (String loc : r.get("locations").isEmpty() ? new String[0] : r.get("locations").split(";")) {
                Offer o = offer("vultr", id, loc, "monthly");
                o.monthly = monthly;
                o.onDemand = monthly == null ? null : norm(monthly.divide(HOURS_PER_MONTH, 6, RoundingMode.HALF_UP));
                o.priceSource = monthly == null ? "" : t.specSource;
            }
        }
        n.add("  NOT imported: vultr/plans_v1_legacy.csv (retired API v1 plans)");
    }

    private static String vultrSource(String s) {
        if (s.startsWith("libcloud:libcloud/test/compute/fixtures/vultr_v2/")) {
            return "vultr-plans-libcloud";
        }
        if (s.startsWith("vultr-python-client:")) {
            return "vultr-plans-openapi-example";
        }
        throw new IllegalStateException("unknown vultr source " + s);
    }

    // =====================================================================================
    // Validation, writing, summary
    // =====================================================================================

    private void validate() {
        for (TypeRow t : types.values()) {
            if (t.family == null || t.family.isEmpty() || t.vcpus == null || t.memoryGib == null
                    || t.vcpus.signum() <= 0 || t.memoryGib.signum() <= 0 || t.architecture == null
                    || !sources.containsKey(t.specSource)) {
                throw new IllegalStateException("incomplete type row " + t.provider + " " + t.name);
            }
        }
        for (Offer o : offers.values()) {
            if (!types.containsKey(key(o.provider, o.type))) {
                throw new IllegalStateException("offer for unknown type " + o.provider + " " + o.type);
            }
            check(o.onDemand, o.priceSource, o);
            check(o.spot, o.spotSource, o);
            if (o.monthly != null && o.monthly.signum() <= 0) {
                throw new IllegalStateException("non-positive monthly " + o.type);
            }
            if (o.billing.equals("monthly") && o.monthly == null && o.onDemand != null) {
                throw new IllegalStateException("monthly billing without monthly_usd " + o.type);
            }
        }
    }

    private void check(BigDecimal p, String source, Offer o) {
        if (p == null ? !source.isEmpty() : (p.signum() <= 0 || !sources.containsKey(source))) {
            throw new IllegalStateException("bad price/source in offer " + o.provider + " " + o.type + " " + o.region);
        }
    }

    // =====================================================================================
    // AWS Spot Instance Advisor (aws/spot_advisor.csv): interruption frequency and savings, not prices.
    // Linux rows of (type, region) offers the catalog has; the feed's ranges are kept as it states them.
    // =====================================================================================

    static final List<String> SPOT_ADVISOR_HEADER = List.of("provider", "region", "instance_type",
            "interruption_frequency", "savings_pct", "source");
    static final Set<String> INTERRUPTION_RANGES = Set.of("<5%", "5-10%", "10-15%", "15-20%", ">20%");
    private final List<List<String>> spotAdvice = new ArrayList<>();

    private void importAwsSpotAdvisor() throws IOException {
        for (Map<String, String> r : readCsv(src.resolve("aws/spot_advisor.csv"))) {
            if (!"Linux".equals(r.get("os")) || !offers.containsKey(key("aws", r.get("instance_type"),
                    r.get("region")))) {
                continue;
            }
            String freq = r.get("interruption_frequency");
            int savings = Integer.parseInt(r.get("savings_pct_vs_on_demand"));
            if (!INTERRUPTION_RANGES.contains(freq) || savings < -1000 || savings > 100) {
                throw new IllegalStateException("bad spot advisor row " + r);
            }
            spotAdvice.add(List.of("aws", r.get("region"), r.get("instance_type"), freq, Integer.toString(savings),
                    "aws-spot-advisor"));
        }
        spotAdvice.sort(Comparator.comparing((List<String> row) -> row.get(1)).thenComparing(row -> row.get(2)));
        notes.computeIfAbsent("aws", k -> new ArrayList<>()).add("spot advisor: " + spotAdvice.size()
                + " (region, Linux type) rows of offered types");
    }

    private void writeSpotAdvice() throws IOException {
        writeCsv(out.resolve("spot-advisor.csv"), SPOT_ADVISOR_HEADER, spotAdvice);
    }

    private void writeSources() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Source s : sources.values()) {
            rows.add(List.of(s.id, s.provider, s.kind, s.description, s.origin, s.licence, s.asOf));
        }
        writeCsv(out.resolve("sources.csv"), SOURCE_HEADER, rows);
    }

    private void writeTypes() throws IOException {
        List<TypeRow> list = new ArrayList<>(types.values());
        list.sort(Comparator.comparing((TypeRow t) -> t.provider).thenComparing(t -> t.name));
        List<List<String>> rows = new ArrayList<>();
        for (TypeRow t : list) {
            String tee = TEE_ORDER.stream().filter(t.tee::contains).collect(Collectors.joining(";"));
            if (!TEE_ORDER.containsAll(t.tee)) {
                throw new IllegalStateException("unknown TEE value in " + t.name + ": " + t.tee);
            }
            rows.add(List.of(t.provider, t.name, t.family, Integer.toString(t.generation), plain(t.vcpus),
                    plain(t.nominalVcpus), plain(t.memoryGib), Integer.toString(t.gpuCount), t.gpuModel, t.architecture,
                    Boolean.toString(t.burstable), Boolean.toString(t.sharedCore), Boolean.toString(t.bareMetal), tee,
                    t.specSource, Boolean.toString(t.specDerived), Boolean.toString(t.retired)));
        }
        writeCsv(out.resolve("instance-types.csv"), TYPE_HEADER, rows);
    }

    private void writeOffers() throws IOException {
        List<Offer> list = new ArrayList<>(offers.values());
        list.sort(Comparator.comparing((Offer o) -> o.provider).thenComparing(o -> o.type)
                .thenComparing(o -> o.region));
        List<List<String>> rows = new ArrayList<>();
        for (Offer o : list) {
            rows.add(List.of(o.provider, o.type, o.region, plain(o.onDemand), plain(o.spot), o.priceSource,
                    o.spotSource, o.billing, plain(o.monthly), Boolean.toString(o.availabilityConfirmed)));
        }
        writeCsv(out.resolve("offers.csv"), OFFER_HEADER, rows);
    }

    /** Copies every LICENSE*.txt / NOTICE* of the sources into out/licenses (same names; identical texts). */
    private void copyLicences() throws IOException {
        Path dir = out.resolve("licenses");
        Files.createDirectories(dir);
        Map<String, Path> byName = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(src)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().startsWith("LICENSE")
                            || p.getFileName().toString().startsWith("NOTICE"))
                    .sorted().toList();
        }
        for (Path p : files) {
            String fn = p.getFileName().toString();
            Path prev = byName.putIfAbsent(fn, p);
            if (prev != null && !Arrays.equals(Files.readAllBytes(prev), Files.readAllBytes(p))) {
                throw new IllegalStateException("different licence texts with the same name: " + prev + " " + p);
            }
        }
        for (Map.Entry<String, Path> e : byName.entrySet()) {
            Files.write(dir.resolve(e.getKey()), Files.readAllBytes(e.getValue())); // content only, no attributes
        }
    }

    private String summary() {
        StringBuilder sb = new StringBuilder("Catalog import summary\n");
        sb.append(String.format("%-13s %6s %7s %8s %7s%n", "provider", "types", "offers", "priced", "spot"));
        for (String p : notes.keySet()) {
            long nt = types.values().stream().filter(t -> t.provider.equals(p)).count();
            long no = offers.values().stream().filter(o -> o.provider.equals(p)).count();
            long np = offers.values().stream().filter(o -> o.provider.equals(p) && o.onDemand != null).count();
            long ns = offers.values().stream().filter(o -> o.provider.equals(p) && o.spot != null).count();
            sb.append(String.format("%-13s %6d %7d %8d %7d%n", p, nt, no, np, ns));
        }
        sb.append(String.format("%-13s %6d %7d %8d %7d%n", "total", types.size(), offers.size(),
                offers.values().stream().filter(o -> o.onDemand != null).count(),
                offers.values().stream().filter(o -> o.spot != null).count()));
        for (Map.Entry<String, List<String>> e : notes.entrySet()) {
            sb.append(e.getKey()).append(":\n");
            for (String line : e.getValue()) {
                sb.append(line).append('\n');
            }
        }
        sb.append("sources: ").append(sources.size()).append(" ids; output: ").append(out).append('\n');
        return sb.toString();
    }

    // =====================================================================================
    // Model + helpers
    // =====================================================================================

    private record Source(String id, String provider, String kind, String description, String origin,
            String licence, String asOf) {}

    private static final class TypeRow {
        final String provider;
        final String name;
        String family;
        int generation;
        BigDecimal vcpus;
        /** The size's nominal vCPU count where it differs from the usable {@link #vcpus}, else null. */
        BigDecimal nominalVcpus;
        BigDecimal memoryGib;
        int gpuCount;
        String gpuModel = "";
        String architecture;
        boolean burstable;
        boolean sharedCore;
        boolean bareMetal;
        Set<String> tee = new TreeSet<>();
        String specSource;
        boolean specDerived;
        boolean retired;

        TypeRow(String provider, String name) {
            this.provider = provider;
            this.name = name;
        }
    }

    private static final class Offer {
        final String provider;
        final String type;
        final String region;
        final String billing;
        BigDecimal onDemand;
        BigDecimal spot;
        BigDecimal monthly;
        String priceSource = "";
        String spotSource = "";
        /** False when no source lists the type in the region (offered by an inference the README documents). */
        boolean availabilityConfirmed = true;

        Offer(String provider, String type, String region, String billing) {
            this.provider = provider;
            this.type = type;
            this.region = region;
            this.billing = billing;
        }
    }

    private void addType(TypeRow t) {
        if (types.put(key(t.provider, t.name), t) != null) {
            throw new IllegalStateException("duplicate instance type " + t.provider + " " + t.name);
        }
    }

    private Offer offer(String provider, String type, String region, String billing) {
        if (region == null || region.isEmpty()) {
            throw new IllegalStateException("empty region for " + provider + " " + type);
        }
        return offers.computeIfAbsent(key(provider, type, region), k -> new Offer(provider, type, region, billing));
    }

    private static String key(String... parts) {
        return String.join("\u0000", parts);
    }

    /** Plain decimal without trailing zeros ("12.0" -> "12", "0.750" -> "0.75"). */
    static BigDecimal dec(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalStateException("missing number");
        }
        return norm(new BigDecimal(s.trim()));
    }

    static BigDecimal norm(BigDecimal b) {
        BigDecimal n = b.stripTrailingZeros();
        return n.scale() < 0 ? n.setScale(0) : n;
    }

    /** MiB -> GiB, exact (1024 = 2^10, the quotient always terminates). */
    static BigDecimal mib(String s) {
        return norm(dec(s).divide(MIB_PER_GIB));
    }

    /** A price cell: empty, unparsable-as-positive (0 / 0.0) -> null (missing, never "free"). */
    static BigDecimal price(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        BigDecimal b = dec(s);
        return b.signum() > 0 ? b : null;
    }

    static String plain(BigDecimal b) {
        return b == null ? "" : b.toPlainString();
    }

    // ---- RFC 4180 CSV ------------------------------------------------------------------

    /** Reads a CSV file with a header row into ordered maps (UTF-8, optional BOM, CRLF or LF). */
    static List<Map<String, String>> readCsv(Path p) throws IOException {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> recs = parseCsv(text);
        if (recs.isEmpty()) {
            throw new IllegalStateException("empty csv " + p);
        }
        List<String> header = recs.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < recs.size(); i++) {
            List<String> rec = recs.get(i);
            if (rec.size() == 1 && rec.get(0).isEmpty()) {
                continue; // blank line
            }
            if (rec.size() != header.size()) {
                throw new IllegalStateException(p + " record " + i + ": " + rec.size() + " fields, header has "
                        + header.size());
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int j = 0; j < header.size(); j++) {
                m.put(header.get(j), rec.get(j));
            }
            rows.add(m);
        }
        return rows;
    }

    /** RFC 4180 parser: quoted fields may contain commas, CR/LF and doubled quotes. */
    static List<List<String>> parseCsv(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int i = 0;
        int n = s.length();
        boolean quoted = false;
        while (i < n) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && s.charAt(i + 1) == '"') {
                        f.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    i++;
                    if (i < n && s.charAt(i) != ',' && s.charAt(i) != '\r' && s.charAt(i) != '\n') {
                        throw new IllegalStateException("csv: character after closing quote at offset " + i);
                    }
                    continue;
                }
                f.append(c);
                i++;
            } else if (c == '"') {
                if (f.length() > 0) {
                    throw new IllegalStateException("csv: quote inside unquoted field at offset " + i);
                }
                quoted = true;
                i++;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
                i++;
            } else if (c == '\r' || c == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i += (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') ? 2 : 1;
            } else {
                f.append(c);
                i++;
            }
        }
        if (quoted) {
            throw new IllegalStateException("csv: unterminated quoted field");
        }
        if (f.length() > 0 || !row.isEmpty()) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }

    /** Quotes a field only where RFC 4180 requires it (comma, quote, CR or LF). */
    static String csvField(String v) {
        if (v == null) {
            return "";
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    static void writeCsv(Path p, List<String> header, List<List<String>> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (List<String> r : Stream.concat(Stream.of(header), rows.stream()).toList()) {
            if (r.size() != header.size()) {
                throw new IllegalStateException("row width " + r);
            }
            sb.append(r.stream().map(CatalogImporter::csvField).collect(Collectors.joining(","))).append('\n');
        }
        Files.writeString(p, sb, StandardCharsets.UTF_8);
    }

}

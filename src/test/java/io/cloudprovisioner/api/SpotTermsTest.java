package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.Candidate;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.MapInstanceTypeRequest;
import io.cloudprovisioner.api.v1.MapInstanceTypeResponse;
import io.cloudprovisioner.api.v1.MappingPolicy;
import io.cloudprovisioner.api.v1.ResourceSpec;
import io.cloudprovisioner.api.v1.SelectProviderRequest;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.api.v1.SelectionPreferences;
import io.cloudprovisioner.api.v1.SpotTerms;
import io.grpc.ManagedChannel;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spot caveats through the gRPC API: an answer whose spec allows spot says what spot means on that provider (the
 * documented interruption notice) and, for AWS, the Spot Instance Advisor's interruption frequency and saving of the
 * chosen type in its region, with the advisor's source and date; providers without spot capacity and specs that do
 * not allow spot carry none. Figures are checked against the bundled spot-advisor.csv rows the importer made from
 * ../shared/catalog-sources (CatalogImporterTest checks those against the feed).
 */
@QuarkusTest
public class SpotTermsTest {
    ManagedChannel channel;
    CatalogServiceGrpc.CatalogServiceBlockingStub catalog;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
        catalog = CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    MapInstanceTypeResponse map(CloudProvider p, String region, boolean spot, String... families) {
        return catalog.mapInstanceType(MapInstanceTypeRequest.newBuilder().setProvider(p).setRegion(region)
                .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setAllowSpot(spot))
                .setPolicy(MappingPolicy.newBuilder().addAllAllowedFamilies(List.of(families))).build());
    }

    /** The bundled advisor row for (region, type): interruption_frequency and savings_pct. */
    static String[] advisorRow(String region, String type) throws Exception {
        try (var lines = Files.lines(Path.of("src/main/resources/catalog/spot-advisor.csv"))) {
            return lines.map(l -> l.split(",")).filter(c -> c[1].equals(region) && c[2].equals(type)).findFirst()
                    .map(c -> new String[] {c[3], c[4]}).orElseThrow();
        }
    }

    @Test
    void awsAnswersCarryTheNoticeAndTheAdvisorsFrequencyForTheChosenType() throws Exception {
        MapInstanceTypeResponse r = map(CloudProvider.CLOUD_PROVIDER_AWS, "us-east-1", true, "m5");
        assertEquals("m5.large", r.getOffer().getInstanceType().getName());
        assertTrue(r.hasSpotTerms(), r.toString());
        SpotTerms t = r.getSpotTerms();
        assertEquals("PT2M", t.getInterruptionNotice());
        assertTrue(t.getNoticeSource().startsWith("https://docs.aws.amazon.com/"), t.getNoticeSource());
        String[] row = advisorRow("us-east-1", "m5.large");
        assertEquals(row[0], t.getInterruptionFrequency());
        assertEquals("15-20%", t.getInterruptionFrequency(), "as the feed states it");
        assertEquals(Integer.parseInt(row[1]), t.getSavingsPercent());
        assertEquals("aws-spot-advisor", t.getAdviceSource().getId());
        assertEquals("2025-06-28T10:10:57Z", t.getAdviceSource().getAsOf());
        assertTrue(t.getAdviceSource().getOrigin().startsWith("alexei-led/spotinfo@"), t.getAdviceSource().getOrigin());
        assertFalse(t.getAdviceSource().getLive());

        // another type in another region: its own row
        MapInstanceTypeResponse eu = map(CloudProvider.CLOUD_PROVIDER_AWS, "eu-west-1", true, "m5");
        String[] euRow = advisorRow("eu-west-1", eu.getOffer().getInstanceType().getName());
        assertEquals(euRow[0], eu.getSpotTerms().getInterruptionFrequency());
        assertEquals(Integer.parseInt(euRow[1]), eu.getSpotTerms().getSavingsPercent());
    }

    @Test
    void noSpotTermsWithoutSpotOrWithoutSpotCapacity() {
        assertFalse(map(CloudProvider.CLOUD_PROVIDER_AWS, "us-east-1", false, "m5").hasSpotTerms(),
                "the spec does not allow spot");
        assertFalse(map(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN, "nyc3", true).hasSpotTerms(),
                "DigitalOcean sells no spot capacity");
        assertFalse(map(CloudProvider.CLOUD_PROVIDER_VULTR, "ewr", true).hasSpotTerms(),
                "Vultr sells no spot capacity");
    }

    @Test
    void gcpSpotHasTheNoticeButNoPublishedFrequency() {
        MapInstanceTypeResponse r = map(CloudProvider.CLOUD_PROVIDER_GCP, "us-central1", true);
        assertTrue(r.getSpot(), "GCP has spot prices in the catalog: " + r.getEffectivePrice());
        assertEquals("PT30S", r.getSpotTerms().getInterruptionNotice());
        assertTrue(r.getSpotTerms().getNoticeSource().startsWith("https://cloud.google.com/"));
        assertEquals("", r.getSpotTerms().getInterruptionFrequency());
        assertFalse(r.getSpotTerms().hasAdviceSource());
    }

    @Test
    void selectionCandidatesPricedAtSpotCarryTheirTerms() {
        for (boolean refs : new boolean[] {false, true}) {
            SelectProviderResponse r = catalog.selectProvider(SelectProviderRequest.newBuilder()
                    .setSpec(ResourceSpec.newBuilder().setCpu(2).setMemoryGb(8).setAllowSpot(true))
                    .setPreferences(SelectionPreferences.newBuilder().setSpotAllowed(true).setIncludeUnconfigured(true))
                    .setMaxCandidates(50).setPriceSourceRefs(refs).build());
            List<Candidate> spot = r.getCandidatesList().stream().filter(Candidate::getSpot).toList();
            assertFalse(spot.isEmpty(), "some candidate is priced at spot");
            for (Candidate c : r.getCandidatesList()) {
                assertEquals(c.getSpot(), c.hasSpotTerms(), c.toString());
                if (c.getSpot()) {
                    assertFalse(c.getSpotTerms().getInterruptionNotice().isEmpty());
                }
            }
        }
    }
}

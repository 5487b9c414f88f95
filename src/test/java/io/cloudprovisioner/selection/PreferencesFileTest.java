package io.cloudprovisioner.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreferencesFileTest {
    private static final String ORIGIN = "/etc/prefs.yaml";

    /** The example in PreferencesFile's javadoc, verbatim. */
    private static final String JAVADOC_EXAMPLE = """
            providers:
              - provider: aws
                regions: [us-east-1, us-west-2]
                priority: 1
              - provider: gcp
                priority: 2
            allowed-deployment-types: [VM, MANAGED_KUBERNETES]
            preferred-deployment-types: [VM]
            max-hourly-cost-usd: 1.5
            allow-fallback: true
            spot-allowed: false
            include-unconfigured: false
            policy:
              allowed-families: []
              denied-families: [t2]
              allow-burstable: true
              min-generation: 0
              allow-bare-metal: false
            """;

    private static SelectionPreferences roundTrip(SelectionPreferences p) {
        String yaml = PreferencesFile.write(p);
        SelectionPreferences back = PreferencesFile.parse(yaml, "round-trip");
        assertEquals(p, back, "round trip of:\n" + yaml);
        return back;
    }

    @Test
    void roundTripOfNonTrivialPreferences() {
        roundTrip(SelectionPreferences.DEFAULT);
        roundTrip(new SelectionPreferences(
                List.of(new ProviderPreference(Provider.DIGITALOCEAN, List.of("nyc3", "ams3"), 3),
                        new ProviderPreference(Provider.AWS, List.of(), 0),
                        new ProviderPreference(Provider.AZURE, List.of("eastus"), 1)),
                List.of(DeploymentType.MANAGED_KUBERNETES, DeploymentType.VM, DeploymentType.SERVERLESS),
                List.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES), 0.125, false, false, true,
                new MappingPolicy(Set.of("M6i", "c7g"), Set.of("t2", "T3"), false, 5, true, 0)));
        roundTrip(new SelectionPreferences(List.of(new ProviderPreference(Provider.VULTR, List.of("ewr"), 7)),
                List.of(DeploymentType.KUBERNETES), List.of(), 12345.678, true, true, false,
                new MappingPolicy(Set.of(), Set.of("vhf"), true, 0, false, 0)));
        roundTrip(new SelectionPreferences(List.of(), List.of(), List.of(), 0.0001, true, false, false, null));
    }

    @Test
    void writtenTextIsTheDocumentedFormat() {
        String yaml = PreferencesFile.write(new SelectionPreferences(
                List.of(new ProviderPreference(Provider.GCP, List.of("us-central1"), 2)), List.of(DeploymentType.VM),
                List.of(DeploymentType.VM), 1.5, true, false, false, MappingPolicy.DEFAULT));
        assertTrue(yaml.contains("provider: gcp"), yaml);
        assertTrue(yaml.contains("max-hourly-cost-usd: 1.5"), yaml);
        assertTrue(yaml.contains("spot-allowed: false"), yaml);
        assertTrue(yaml.contains("min-generation: 0"), yaml);
        assertFalse(yaml.startsWith("---"), yaml);
    }

    @Test
    void javadocExampleParses() {
        SelectionPreferences p = PreferencesFile.parse(JAVADOC_EXAMPLE, ORIGIN);
        assertEquals(List.of(new ProviderPreference(Provider.AWS, List.of("us-east-1", "us-west-2"), 1),
                new ProviderPreference(Provider.GCP, List.of(), 2)), p.providers());
        assertEquals(List.of(DeploymentType.VM, DeploymentType.MANAGED_KUBERNETES), p.allowedDeploymentTypes());
        assertEquals(List.of(DeploymentType.VM), p.preferredDeploymentTypes());
        assertEquals(1.5, p.maxHourlyUsd(), 0);
        assertTrue(p.allowFallback());
        assertFalse(p.spotAllowed());
        assertFalse(p.includeUnconfigured());
        assertEquals(new MappingPolicy(Set.of(), Set.of("t2"), true, 0, false, 0), p.policy());
        assertEquals(p, PreferencesFile.parse(PreferencesFile.write(p), ORIGIN));
    }

    @Test
    void emptyAndPartialFilesUseDefaults() {
        assertSame(SelectionPreferences.DEFAULT, PreferencesFile.parse("null\n", ORIGIN));
        assertSame(SelectionPreferences.DEFAULT, PreferencesFile.parse("~", ORIGIN));
        SelectionPreferences p = PreferencesFile.parse("max-hourly-cost-usd: 2\n", ORIGIN);
        assertEquals(2, p.maxHourlyUsd(), 0);
        assertEquals(new SelectionPreferences(List.of(), List.of(DeploymentType.VM), List.of(), 2, true, true, false,
                MappingPolicy.DEFAULT), p);
        SelectionPreferences lenient = PreferencesFile.parse("""
                providers:
                  - provider: DigitalOcean
                  - provider: " VULTR "
                allowed-deployment-types: [managed-kubernetes, vm]
                """, ORIGIN);
        assertEquals(List.of(Provider.DIGITALOCEAN, Provider.VULTR),
                lenient.providers().stream().map(ProviderPreference::provider).toList());
        assertEquals(List.of(DeploymentType.MANAGED_KUBERNETES, DeploymentType.VM),
                lenient.allowedDeploymentTypes());
    }

    private static String error(String yaml) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreferencesFile.parse(yaml, ORIGIN));
        assertTrue(e.getMessage().startsWith(ORIGIN), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertMentions(String msg, String... words) {
        for (String w : words) {
            assertTrue(msg.contains(w), "'" + msg + "' should mention " + w);
        }
    }

    @Test
    void unknownKeyIsNamed() {
        assertMentions(error("max-hourly-cost: 1\n"), "max-hourly-cost", "line 1");
        assertMentions(error("providers:\n  - provider: aws\n    zone: us-east-1a\n"), "zone", "line 3");
        assertMentions(error("policy:\n  allow-burstible: false\n"), "allow-burstible", "line 2");
    }

    @Test
    void unknownProviderIsNamed() {
        assertMentions(error("providers:\n  - provider: aws\n  - provider: oracle\n"), "providers[1]", "oracle");
        assertMentions(error("providers:\n  - regions: [x]\n"), "providers[0]", "provider");
    }

    @Test
    void duplicateProviderIsNamed() {
        assertMentions(error("providers:\n  - provider: gcp\n  - provider: aws\n  - provider: GCP\n"),
                "providers[2]", "gcp", "twice");
    }

    @Test
    void unknownDeploymentTypeIsNamed() {
        assertMentions(error("allowed-deployment-types: [VM, LAMBDA]\n"), "allowed-deployment-types", "LAMBDA");
        assertMentions(error("preferred-deployment-types: [docker]\n"), "preferred-deployment-types", "docker");
    }

    @Test
    void negativeNumbersAreNamed() {
        assertMentions(error("max-hourly-cost-usd: -0.5\n"), "max-hourly-cost-usd");
        assertMentions(error("max-hourly-cost-usd: .inf\n"), "line 1", ".inf");
        assertMentions(error("providers:\n  - provider: aws\n    priority: -1\n"), "providers[0]", "priority");
        assertMentions(error("policy:\n  min-generation: -2\n"), "min-generation");
        assertMentions(error("providers:\n  - provider: aws\n    regions: [us-east-1, ' ']\n"), "providers[0]",
                "region");
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertMentions(error("providers: [\n"), ORIGIN);
        assertMentions(error("spot-allowed: maybe\n"), "line 1");
    }

    @Test
    void emptyOrCommentOnlyFileMeansDefaults() {
        assertSame(SelectionPreferences.DEFAULT, PreferencesFile.parse("", ORIGIN));
        assertSame(SelectionPreferences.DEFAULT, PreferencesFile.parse("# no preferences yet\n", ORIGIN));
    }

    @Test
    void roundTripKeepsAPolicyCostCap() {
        roundTrip(new SelectionPreferences(List.of(), List.of(), List.of(), 0, true, true, false,
                new MappingPolicy(Set.of(), Set.of(), true, 0, false, 0.5)));
    }
}

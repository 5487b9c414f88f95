package io.cloudprovisioner.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.aws.AwsDescriptor;
import io.cloudprovisioner.provider.azure.AzureDescriptor;
import io.cloudprovisioner.provider.digitalocean.DigitalOceanDescriptor;
import io.cloudprovisioner.provider.gcp.GcpDescriptor;
import io.cloudprovisioner.provider.vultr.VultrDescriptor;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential detection per descriptor with Map-backed configuration, and the registry's isolation and cache. */
class CredentialDetectionTest {
    /** Distinctive secret values: none of them may ever appear in a CredentialStatus. */
    private static final String DO_SECRET = "dop_v1_S3CR3T-do-4f1e";
    private static final String VULTR_SECRET = "S3CR3T-vultr-9a7b";
    private static final String AZURE_SECRET = "S3CR3T-azure-client-secret-c0de";
    private static final String AWS_SECRET = "S3CR3T-aws-wJalrXUtnFEMI";
    private static final List<String> SECRETS = List.of(DO_SECRET, VULTR_SECRET, AZURE_SECRET, AWS_SECRET, "S3CR3T");

    @TempDir
    Path dir;

    /** A lookup with the documented semantics: blank values count as absent. */
    private ConfigLookup lookup(Map<String, String> values) {
        Map<String, String> m = new HashMap<>(values);
        m.putIfAbsent("CLOUDSDK_CONFIG", dir.resolve("no-gcloud").toString());
        return name -> Optional.ofNullable(m.get(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static void assertNoSecret(CredentialStatus s) {
        for (String secret : SECRETS) {
            assertFalse(s.source().contains(secret), "source leaks a secret: " + s.source());
            assertFalse(s.missing().contains(secret), "missing leaks a secret: " + s.missing());
        }
    }

    private CredentialStatus detect(ProviderDescriptor d, Map<String, String> values) {
        CredentialStatus s = d.detectCredentials(lookup(values));
        assertNoSecret(s);
        if (s.configured()) {
            assertFalse(s.source().isBlank());
            assertEquals("", s.missing());
        } else {
            assertEquals("", s.source());
            assertFalse(s.missing().isBlank());
        }
        return s;
    }

    // ---- DigitalOcean ---------------------------------------------------------------------------------------

    @Test
    void digitalOceanAcceptsEachTokenNameAndSaysWhich() {
        DigitalOceanDescriptor d = new DigitalOceanDescriptor();
        for (String name : List.of("DIGITALOCEAN_TOKEN", "DO_API_TOKEN", "DO_TOKEN")) {
            CredentialStatus s = detect(d, Map.of(name, DO_SECRET));
            assertTrue(s.configured(), name);
            assertEquals("environment: " + name, s.source());
        }
        assertEquals("environment: DIGITALOCEAN_TOKEN",
                detect(d, Map.of("DO_TOKEN", DO_SECRET, "DIGITALOCEAN_TOKEN", DO_SECRET + "2")).source(),
                "documented precedence");
        assertEquals("environment: DO_API_TOKEN",
                detect(d, Map.of("DO_TOKEN", DO_SECRET, "DO_API_TOKEN", DO_SECRET + "2")).source());
        CredentialStatus none = detect(d, Map.of("DIGITALOCEAN_ACCESS_TOKEN", DO_SECRET));
        assertFalse(none.configured());
        assertTrue(none.missing().contains("DIGITALOCEAN_TOKEN"), none.missing());
        assertEquals(List.of("DIGITALOCEAN_TOKEN", "DO_API_TOKEN", "DO_TOKEN"), d.configurationEnvVars());
        assertSame(Provider.DIGITALOCEAN, d.provider());
    }

    @Test
    void blankValuesCountAsAbsent() {
        DigitalOceanDescriptor d = new DigitalOceanDescriptor();
        assertFalse(detect(d, Map.of("DIGITALOCEAN_TOKEN", "", "DO_API_TOKEN", "   ", "DO_TOKEN", "\t")).configured());
        assertEquals("environment: DO_TOKEN",
                detect(d, Map.of("DIGITALOCEAN_TOKEN", "  ", "DO_TOKEN", DO_SECRET)).source());
        assertFalse(detect(new VultrDescriptor(), Map.of("VULTR_API_KEY", " ")).configured());
        CredentialStatus az = detect(new AzureDescriptor(), Map.of("AZURE_SUBSCRIPTION_ID", "sub",
                "AZURE_CLIENT_ID", "id", "AZURE_CLIENT_SECRET", "  ", "AZURE_TENANT_ID", "tenant"));
        assertFalse(az.configured());
        assertTrue(az.missing().contains("AZURE_CLIENT_SECRET"), az.missing());
        assertFalse(detect(new GcpDescriptor(), Map.of("GOOGLE_APPLICATION_CREDENTIALS", " ",
                "GCP_PROJECT_ID", "p")).configured());
    }

    @Test
    void configLookupOverMicroProfileConfigTreatsBlankAsAbsent() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("DIGITALOCEAN_TOKEN", "   ");
        props.put("DO_API_TOKEN", "");
        props.put("DO_TOKEN", "  " + DO_SECRET + "  ");
        props.put("VULTR_API_KEY", "  ");
        Config config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 500)).build();
        ConfigLookup lookup = ConfigLookup.of(config);
        assertEquals(Optional.empty(), lookup.get("DIGITALOCEAN_TOKEN"));
        assertEquals(Optional.empty(), lookup.get("DO_API_TOKEN"));
        assertEquals(Optional.of(DO_SECRET), lookup.get("DO_TOKEN"), "trimmed");
        assertEquals(Optional.empty(), lookup.get("NOT_THERE"));
        assertEquals(Optional.of("DO_TOKEN"), lookup.firstSet("DIGITALOCEAN_TOKEN", "DO_API_TOKEN", "DO_TOKEN"));
        CredentialStatus s = new DigitalOceanDescriptor().detectCredentials(lookup);
        assertEquals(CredentialStatus.found("environment: DO_TOKEN"), s);
        assertNoSecret(s);
        assertFalse(new VultrDescriptor().detectCredentials(lookup).configured());
    }

    // ---- Vultr ----------------------------------------------------------------------------------------------

    @Test
    void vultrApiKey() {
        VultrDescriptor d = new VultrDescriptor();
        CredentialStatus s = detect(d, Map.of("VULTR_API_KEY", VULTR_SECRET));
        assertTrue(s.configured());
        assertEquals("environment: VULTR_API_KEY", s.source());
        CredentialStatus none = detect(d, Map.of("VULTR_TOKEN", VULTR_SECRET));
        assertFalse(none.configured());
        assertTrue(none.missing().contains("VULTR_API_KEY"));
        assertFalse(d.deploymentTypes().contains(DeploymentType.SERVERLESS), "Vultr has no serverless offering");
        assertFalse(d.spotCapacity());
    }

    // ---- Azure ----------------------------------------------------------------------------------------------

    private static Map<String, String> azure() {
        Map<String, String> m = new HashMap<>();
        m.put("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000001");
        m.put("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000002");
        m.put("AZURE_CLIENT_SECRET", AZURE_SECRET);
        m.put("AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000003");
        return m;
    }

    @Test
    void azureNeedsAllFourAndNamesTheMissingOnes() {
        AzureDescriptor d = new AzureDescriptor();
        CredentialStatus all = detect(d, azure());
        assertTrue(all.configured());
        assertFalse(all.source().contains("00000000-0000"), "ids are not echoed either: " + all.source());
        for (String name : List.of("AZURE_SUBSCRIPTION_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
                "AZURE_TENANT_ID")) {
            Map<String, String> m = azure();
            m.remove(name);
            CredentialStatus s = detect(d, m);
            assertFalse(s.configured(), "without " + name);
            assertEquals("set " + name, s.missing());
        }
        Map<String, String> two = azure();
        two.remove("AZURE_CLIENT_ID");
        two.remove("AZURE_TENANT_ID");
        CredentialStatus s = detect(d, two);
        assertEquals("set AZURE_CLIENT_ID, AZURE_TENANT_ID", s.missing());
        CredentialStatus none = detect(d, Map.of());
        assertEquals("set AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID",
                none.missing());
    }

    // ---- GCP ------------------------------------------------------------------------------------------------

    private Path keyFile(String json) throws IOException {
        Path p = Files.createTempFile(dir, "key", ".json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void gcpMissingKeyFileIsNotConfigured() {
        GcpDescriptor d = new GcpDescriptor();
        CredentialStatus s = detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", dir.resolve("absent.json").toString(),
                "GCP_PROJECT_ID", "proj"));
        assertFalse(s.configured());
        assertTrue(s.missing().contains("GOOGLE_APPLICATION_CREDENTIALS"), s.missing());
        assertFalse(s.missing().contains("absent.json"), "the path is not echoed: " + s.missing());
        CredentialStatus nothing = detect(d, Map.of("GCP_PROJECT_ID", "proj"));
        assertFalse(nothing.configured(), "no key file and no application-default credentials");
        assertTrue(nothing.missing().contains("GOOGLE_APPLICATION_CREDENTIALS"), nothing.missing());
    }

    @Test
    void gcpUnreadableKeyFileIsNotConfigured() throws IOException {
        Path key = keyFile("{\"project_id\":\"p\"}");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(Files.isReadable(key), "running as root: permissions do not make a file unreadable");
        CredentialStatus s = detect(new GcpDescriptor(), Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString(),
                "GCP_PROJECT_ID", "proj"));
        assertFalse(s.configured());
    }

    @Test
    void gcpKeyFileAndProjectVariable() throws IOException {
        GcpDescriptor d = new GcpDescriptor();
        Path key = keyFile("{\"type\":\"service_account\",\"private_key\":\"S3CR3T-private-key\"}");
        CredentialStatus s = detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString(),
                "GCP_PROJECT_ID", "my-project"));
        assertTrue(s.configured());
        assertEquals("GOOGLE_APPLICATION_CREDENTIALS key file, project from GCP_PROJECT_ID", s.source());
        assertEquals("GOOGLE_APPLICATION_CREDENTIALS key file, project from GOOGLE_CLOUD_PROJECT",
                detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString(), "GOOGLE_CLOUD_PROJECT", "p"))
                        .source());
        CredentialStatus noProject = detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString()));
        assertFalse(noProject.configured(), "key file without project_id and no project variable");
        assertTrue(noProject.missing().contains("GCP_PROJECT_ID"), noProject.missing());
    }

    @Test
    void gcpProjectFromTheKeyFile() throws IOException {
        GcpDescriptor d = new GcpDescriptor();
        Path key = keyFile("{\"type\":\"service_account\",\"project_id\":\"proj-from-file\","
                + "\"private_key\":\"S3CR3T-private-key\"}");
        CredentialStatus s = detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString()));
        assertTrue(s.configured());
        assertEquals("GOOGLE_APPLICATION_CREDENTIALS key file, project from the key file", s.source());
        assertFalse(s.source().contains("proj-from-file"));
        Path blank = keyFile("{\"project_id\":\"  \"}");
        assertFalse(detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", blank.toString())).configured());
        Path garbage = keyFile("not json at all S3CR3T");
        assertFalse(detect(d, Map.of("GOOGLE_APPLICATION_CREDENTIALS", garbage.toString())).configured(),
                "an unparsable key file yields no project, and no exception");
    }

    @Test
    void gcpApplicationDefaultCredentials() throws IOException {
        GcpDescriptor d = new GcpDescriptor();
        Path gcloud = Files.createDirectories(dir.resolve("gcloud"));
        assertFalse(detect(d, Map.of("CLOUDSDK_CONFIG", gcloud.toString(), "GCP_PROJECT_ID", "p")).configured(),
                "empty gcloud directory");
        Files.writeString(gcloud.resolve("application_default_credentials.json"),
                "{\"type\":\"authorized_user\",\"refresh_token\":\"S3CR3T-refresh\"}");
        CredentialStatus s = detect(d, Map.of("CLOUDSDK_CONFIG", gcloud.toString(), "GCP_PROJECT_ID", "p"));
        assertTrue(s.configured());
        assertEquals("gcloud application-default credentials, project from GCP_PROJECT_ID", s.source());
        assertFalse(detect(d, Map.of("CLOUDSDK_CONFIG", gcloud.toString())).configured(), "no project");
    }

    // ---- AWS ------------------------------------------------------------------------------------------------

    @Test
    void awsEnvironmentKeys() {
        AwsDescriptor d = new AwsDescriptor();
        CredentialStatus s = detect(d, Map.of("AWS_ACCESS_KEY_ID", "AKIAS3CR3TEXAMPLE", "AWS_SECRET_ACCESS_KEY",
                AWS_SECRET));
        assertTrue(s.configured());
        assertEquals("environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", s.source());
        // Below, the SDK chain reads system properties and ~/.aws: only meaningful where neither has credentials.
        Assumptions.assumeTrue(System.getProperty("aws.accessKeyId") == null
                && !Files.exists(Path.of(System.getProperty("user.home"), ".aws")), "machine has AWS credentials");
        CredentialStatus half = detect(d, Map.of("AWS_ACCESS_KEY_ID", "AKIAS3CR3TEXAMPLE",
                "AWS_PROFILE", "nosuchprofile"));
        assertFalse(half.configured());
        assertTrue(half.missing().contains("AWS_SECRET_ACCESS_KEY"), half.missing());
        assertFalse(detect(d, Map.of("AWS_SECRET_ACCESS_KEY", AWS_SECRET)).configured());
    }

    // ---- registry -------------------------------------------------------------------------------------------

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Wraps a descriptor, counting detections. */
    static final class Counting implements ProviderDescriptor {
        final ProviderDescriptor inner;
        final AtomicInteger calls = new AtomicInteger();

        Counting(ProviderDescriptor inner) {
            this.inner = inner;
        }

        @Override
        public Provider provider() {
            return inner.provider();
        }

        @Override
        public List<String> configurationEnvVars() {
            return inner.configurationEnvVars();
        }

        @Override
        public CredentialStatus detectCredentials(ConfigLookup config) {
            calls.incrementAndGet();
            return inner.detectCredentials(config);
        }

        @Override
        public Set<DeploymentType> deploymentTypes() {
            return inner.deploymentTypes();
        }

        @Override
        public boolean zones() {
            return inner.zones();
        }

        @Override
        public boolean spotCapacity() {
            return inner.spotCapacity();
        }

        @Override
        public boolean regionalInstanceIds() {
            return inner.regionalInstanceIds();
        }
    }

    /** A GCP descriptor whose detection blows up with a message quoting a secret. */
    static final class Throwing extends GcpDescriptor {
        @Override
        public CredentialStatus detectCredentials(ConfigLookup config) {
            throw new IllegalStateException("cannot parse key with private_key=S3CR3T-from-exception");
        }
    }

    @Test
    void aDescriptorThatThrowsIsNotConfiguredAndDoesNotAffectTheOthers() {
        Map<String, String> m = new HashMap<>(azure());
        m.put("DIGITALOCEAN_TOKEN", DO_SECRET);
        m.put("VULTR_API_KEY", VULTR_SECRET);
        ProviderRegistry r = new ProviderRegistry(List.of(new AwsDescriptor(), new Throwing(), new AzureDescriptor(),
                new DigitalOceanDescriptor(), new VultrDescriptor()), lookup(m), Duration.ofSeconds(60),
                Clock.systemUTC());
        CredentialStatus gcp = r.credentials(Provider.GCP);
        assertFalse(gcp.configured());
        assertFalse(r.configured(Provider.GCP));
        assertTrue(gcp.missing().contains("IllegalStateException"), gcp.missing());
        assertTrue(gcp.missing().contains("GOOGLE_APPLICATION_CREDENTIALS"), gcp.missing());
        assertNoSecret(gcp);
        assertTrue(r.configured(Provider.AZURE));
        assertTrue(r.configured(Provider.DIGITALOCEAN));
        assertTrue(r.configured(Provider.VULTR));
        for (Provider p : Provider.values()) {
            assertNoSecret(r.credentials(p));
            assertSame(p, r.descriptor(p).provider());
        }
    }

    @Test
    void registryNeedsExactlyOneDescriptorPerProvider() {
        List<ProviderDescriptor> four = List.of(new AwsDescriptor(), new GcpDescriptor(), new AzureDescriptor(),
                new DigitalOceanDescriptor());
        assertThrows(IllegalStateException.class,
                () -> new ProviderRegistry(four, lookup(Map.of()), Duration.ofSeconds(1), Clock.systemUTC()));
        List<ProviderDescriptor> dup = new ArrayList<>(four);
        dup.add(new VultrDescriptor());
        dup.add(new VultrDescriptor());
        assertThrows(IllegalStateException.class,
                () -> new ProviderRegistry(dup, lookup(Map.of()), Duration.ofSeconds(1), Clock.systemUTC()));
    }

    @Test
    void cacheHonoursItsTtl() {
        Map<String, String> values = new HashMap<>();
        values.put("DIGITALOCEAN_TOKEN", DO_SECRET);
        ConfigLookup live = name -> Optional.ofNullable(values.get(name)).filter(s -> !s.isBlank());
        MutableClock clock = new MutableClock();
        Counting digitalOcean = new Counting(new DigitalOceanDescriptor());
        Counting vultr = new Counting(new VultrDescriptor());
        ProviderRegistry r = new ProviderRegistry(List.of(new AwsDescriptor(), new GcpDescriptor(),
                new AzureDescriptor(), digitalOcean, vultr), live, Duration.ofSeconds(60), clock);

        assertTrue(r.configured(Provider.DIGITALOCEAN));
        assertEquals(1, digitalOcean.calls.get());
        values.remove("DIGITALOCEAN_TOKEN");
        clock.advance(Duration.ofSeconds(30));
        assertTrue(r.configured(Provider.DIGITALOCEAN), "cached within the TTL");
        clock.advance(Duration.ofSeconds(30));
        assertTrue(r.configured(Provider.DIGITALOCEAN), "still cached at exactly the TTL");
        assertEquals(1, digitalOcean.calls.get());
        clock.advance(Duration.ofMillis(1));
        assertFalse(r.configured(Provider.DIGITALOCEAN), "re-detected after the TTL");
        assertEquals(2, digitalOcean.calls.get());
        assertEquals(0, vultr.calls.get(), "providers are detected on their own");

        assertFalse(r.configured(Provider.VULTR));
        values.put("VULTR_API_KEY", VULTR_SECRET);
        clock.advance(Duration.ofSeconds(59));
        assertFalse(r.configured(Provider.VULTR), "a newly set key is seen only after the TTL");
        clock.advance(Duration.ofSeconds(2));
        assertTrue(r.configured(Provider.VULTR));
        assertEquals(2, vultr.calls.get());
        assertEquals(2, digitalOcean.calls.get());
    }
}

package io.cloudprovisioner.shipping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the manifests under deploy/ and the facts of the build they must agree with. */
final class DeployManifests {
    static final Path DIR = Path.of("deploy");
    static final Path SIDECAR = DIR.resolve("kubernetes/sidecar.yaml");
    static final Path SERVICE = DIR.resolve("kubernetes/service.yaml");
    static final Path COMPOSE = DIR.resolve("compose.yaml");
    static final String IMAGE = "cloudprovisioner:";

    private DeployManifests() {
    }

    /** Every object of a multi-document YAML file, parsed by the fabric8 model classes. */
    static List<HasMetadata> objects(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"))) {
                out.add(Serialization.unmarshal(doc, HasMetadata.class));
            }
        }
        return out;
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static PodSpec podSpec(Path file) throws IOException {
        List<Deployment> deployments = ofKind(objects(file), Deployment.class);
        if (deployments.size() != 1) {
            throw new AssertionError(file + ": expected one Deployment, found " + deployments.size());
        }
        return deployments.get(0).getSpec().getTemplate().getSpec();
    }

    /** The container running this service's image. */
    static Container serviceContainer(PodSpec pod) {
        List<Container> c = pod.getContainers().stream().filter(x -> x.getImage().startsWith(IMAGE)).toList();
        if (c.size() != 1) {
            throw new AssertionError("expected one container with image " + IMAGE + "*, found " + c.size());
        }
        return c.get(0);
    }

    /** The container's literal environment (variables from secrets are not in it). */
    static Map<String, String> env(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    static JsonNode compose() throws IOException {
        return new YAMLMapper().readTree(COMPOSE.toFile());
    }

    /** The application's configuration file, as written (placeholders unresolved). */
    static Map<String, String> applicationProperties() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (!l.isEmpty() && !l.startsWith("#") && eq > 0) {
                props.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        return props;
    }

    /** The default of {@code ${VAR:default}} in a property value. */
    static String placeholderDefault(String value, String var) {
        Matcher m = Pattern.compile("\\$\\{" + Pattern.quote(var) + ":([^}]*)}").matcher(value);
        if (!m.find()) {
            throw new AssertionError(value + " has no ${" + var + ":...}");
        }
        return m.group(1);
    }

    /**
     * Whether an environment variable is one the application reads: a {@code ${VAR}} placeholder in
     * application.properties, or the environment form (upper case, other characters as '_') of one of its
     * cloudprovisioner.* keys or of a property in a @ConfigMapping under src/main/java.
     */
    static boolean knownVariable(String var) throws IOException {
        Map<String, String> props = applicationProperties();
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (e.getValue().contains("${" + var + ":") || e.getValue().contains("${" + var + "}")
                    || envForm(e.getKey()).equals(var)) {
                return true;
            }
        }
        return false;
    }

    static String envForm(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /** The lines of a Dockerfile starting with an instruction (e.g. VOLUME), without it. */
    static List<String> dockerfile(String name, String instruction) throws IOException {
        return Files.readAllLines(Path.of("src/main/docker", name)).stream()
                .filter(l -> l.startsWith(instruction + " ")).map(l -> l.substring(instruction.length() + 1).strip())
                .toList();
    }
}

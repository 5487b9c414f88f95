package io.cloudprovisioner.harness.azure;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Validates ARM requests against the published Azure REST API descriptions (Swagger 2.0, converted by
 * swagger-parser) copied under src/test/resources/specs/azure: path, method, query (api-version), headers and
 * body schema. Each resource type is matched to the description that defines it; requests no copied description
 * covers (resource groups, managed disks, operation-status URLs, the token endpoint) are reported by
 * {@link #covered(String)} as not covered, never silently accepted as valid.
 */
public final class AzureSpecValidator {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, OpenApiInteractionValidator> byFragment = new LinkedHashMap<>();

    public AzureSpecValidator() {
        add("/microsoft.compute/virtualmachines", "virtualMachine.bundled.json");
        add("/microsoft.compute/locations/", "computeRPCommon.bundled.json");
        add("/microsoft.network/networkinterfaces", "networkInterface.bundled.json");
        add("/microsoft.network/publicipaddresses", "publicIpAddress.bundled.json");
        add("/microsoft.network/networksecuritygroups", "networkSecurityGroup.bundled.json");
        add("/microsoft.network/virtualnetworks", "virtualNetwork.bundled.json");
    }

    private void add(String fragment, String file) {
        String spec;
        try (InputStream in = AzureSpecValidator.class.getResourceAsStream("/specs/azure/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing spec " + file);
            }
            spec = extensibleEnums(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byFragment.put(fragment, OpenApiInteractionValidator.createForInlineApiSpecification(spec)
                .withLevelResolver(LevelResolver.create()
                        // ARM descriptions declare the oauth2 scheme; the token is checked by the stand-in itself.
                        .withLevel("validation.request.security.missing", ValidationReport.Level.IGNORE)
                        // Azure descriptions never declare additionalProperties: false; the validator's strict
                        // default breaks on their allOf inheritance (Resource → VirtualMachine), see its README.
                        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.body.schema.additionalProperties",
                                ValidationReport.Level.IGNORE)
                        .build())
                .build());
    }

    /**
     * AutoRest's {@code x-ms-enum: {modelAsString: true}} marks an enum as extensible (any string is valid, the
     * listed values are the known ones; e.g. VM sizes). Plain JSON-schema validation would reject every newer value,
     * so such enums lose their {@code enum} list here; closed enums (modelAsString false) are kept and checked.
     */
    static String extensibleEnums(String spec) {
        try {
            JsonNode root = MAPPER.readTree(spec);
            open(root);
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void open(JsonNode n) {
        if (n instanceof ObjectNode o) {
            if (o.has("enum") && o.path("x-ms-enum").path("modelAsString").asBoolean(false)) {
                o.remove("enum");
            }
            o.elements().forEachRemaining(AzureSpecValidator::open);
        } else if (n instanceof ArrayNode a) {
            a.elements().forEachRemaining(AzureSpecValidator::open);
        }
    }

    private Optional<OpenApiInteractionValidator> validatorFor(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.contains("/operations/") || p.contains("/operationresults/")) {
            return Optional.empty();
        }
        for (Map.Entry<String, OpenApiInteractionValidator> e : byFragment.entrySet()) {
            if (p.contains(e.getKey())) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** Whether a copied description covers this path. */
    public boolean covered(String path) {
        return validatorFor(path).isPresent();
    }

    /** The violations of one request (empty when valid or not covered). */
    public List<String> validate(String method, String path, Map<String, String> query, Map<String, String> headers,
            String body) {
        Optional<OpenApiInteractionValidator> v = validatorFor(path);
        if (v.isEmpty()) {
            return List.of();
        }
        SimpleRequest.Builder b = new SimpleRequest.Builder(Request.Method.valueOf(method), path);
        query.forEach(b::withQueryParam);
        headers.forEach(b::withHeader);
        if (body != null && !body.isEmpty()) {
            b.withBody(body);
        }
        ValidationReport report = v.get().validateRequest(b.build());
        List<String> out = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() == ValidationReport.Level.ERROR) {
                out.add(method + " " + path + ": " + m.getKey() + ": " + m.getMessage());
            }
        }
        return out;
    }
}

package io.cloudprovisioner.harness.gcp;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Compute Engine requests against the published API description, copied into
 * src/test/resources/specs/gcp (see SOURCE.md there):
 * <ul>
 * <li>the APIs.guru OpenAPI 3 conversion of the Compute v1 discovery document, with swagger-request-validator
 * (path, method, parameters, body schema);</li>
 * <li>the discovery document itself, the authority for field names: every JSON field of an insert body must exist
 * in its schema (the OpenAPI conversion allows additional properties, so it would not notice a misspelt field);</li>
 * <li>the documented format of requestId (a UUID that is not the zero UUID).</li>
 * </ul>
 * Both documents are parsed once per JVM (lazily, not in a static initialiser).
 */
public final class GcpSpecValidator {
    static final String OPENAPI = "specs/gcp/googleapis.com-compute-v1.apisguru-openapi3.json";
    static final String DISCOVERY = "specs/gcp/compute.v1.discovery.json";
    /**
     * Fields the adapter sends that Compute v1 gained after the snapshot's revision (20230620) and that the SDK
     * (google-cloud-compute 1.93.0, whose protos are generated from the current discovery document) carries.
     */
    static final Set<String> NEWER_THAN_SNAPSHOT = Set.of("ConfidentialInstanceConfig.confidentialInstanceType");
    /** Request body schema per operation, from the discovery document's methods. */
    static final Map<String, String> BODY_SCHEMA = Map.of("instances.insert", "Instance", "firewalls.insert",
            "Firewall");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile GcpSpecValidator instance;

    private final OpenApiInteractionValidator openApi;
    private final JsonNode schemas;

    private GcpSpecValidator() {
        openApi = OpenApiInteractionValidator.createForInlineApiSpecification(read(OPENAPI))
                .withBasePathOverride("/compute/v1").build();
        try {
            schemas = JSON.readTree(read(DISCOVERY)).get("schemas");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared validator (both documents are large: ~7 MB). */
    public static GcpSpecValidator get() {
        GcpSpecValidator v = instance;
        if (v == null) {
            synchronized (GcpSpecValidator.class) {
                if (instance == null) {
                    instance = new GcpSpecValidator();
                }
                v = instance;
            }
        }
        return v;
    }

    private static String read(String resource) {
        try (InputStream in = GcpSpecValidator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every way this request breaks the description; empty when it conforms.
     *
     * @param operation the Compute operation name ("instances.insert") the stand-in routed it to
     * @param query decoded query parameters
     */
    public List<String> validate(String operation, String method, String path, Map<String, List<String>> query,
            String contentType, String body) {
        List<String> out = new ArrayList<>();
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, path);
        query.forEach((k, v) -> b.withQueryParam(k, v));
        if (body != null && !body.isEmpty()) {
            b.withBody(body);
            b.withContentType(contentType == null ? "application/json" : contentType);
        }
        Request request = b.build();
        ValidationReport report = openApi.validateRequest(request);
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() == ValidationReport.Level.ERROR && !newerThanSnapshot(m)) {
                out.add(operation + " " + method + " " + path + ": [" + m.getKey() + "] " + m.getMessage());
            }
        }
        List<String> requestIds = query.getOrDefault("requestId", List.of());
        for (String id : requestIds) {
            if (!UUID.matcher(id).matches() || id.equals("00000000-0000-0000-0000-000000000000")) {
                out.add(operation + ": requestId must be a non-zero UUID, was " + id);
            }
        }
        String schema = BODY_SCHEMA.get(operation);
        if (schema != null) {
            try {
                checkFields(JSON.readTree(body), schema, operation + " body", out);
            } catch (IOException e) {
                out.add(operation + ": body is not JSON");
            }
        }
        return out;
    }

    /**
     * The OpenAPI conversion closes ConfidentialInstanceConfig (additionalProperties: false) at the 2023 revision,
     * before confidentialInstanceType existed: that one field, and only it, is accepted (see NEWER_THAN_SNAPSHOT).
     */
    static boolean newerThanSnapshot(ValidationReport.Message m) {
        return m.getKey().equals("validation.request.body.schema.additionalProperties")
                && m.getMessage().contains("Path '/confidentialInstanceConfig'")
                && m.getMessage().endsWith("[\"confidentialInstanceType\"]");
    }

    /** Every field of {@code node} must be a property of the discovery schema (recursively). */
    void checkFields(JsonNode node, String schemaName, String where, List<String> out) {
        JsonNode schema = schemas.get(schemaName);
        if (schema == null) {
            out.add(where + ": unknown discovery schema " + schemaName);
            return;
        }
        checkAgainst(node, schema, schemaName, where, out);
    }

    private void checkAgainst(JsonNode node, JsonNode schema, String schemaName, String where, List<String> out) {
        if (schema.has("$ref")) {
            checkFields(node, schema.get("$ref").asText(), where, out);
            return;
        }
        if (node.isArray()) {
            JsonNode items = schema.get("items");
            if (items == null) {
                out.add(where + ": an array where the discovery document has " + schema.path("type").asText());
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                checkAgainst(node.get(i), items, schemaName, where + "[" + i + "]", out);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode props = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = f.getKey();
            if (props != null && props.has(field)) {
                checkAgainst(f.getValue(), props.get(field), schemaName + "." + field, where + "." + field, out);
            } else if (additional != null) {
                checkAgainst(f.getValue(), additional, schemaName, where + "." + field, out);
            } else if (!NEWER_THAN_SNAPSHOT.contains(lastSchema(schemaName) + "." + field)) {
                out.add(where + "." + field + ": no such field in the discovery schema " + schemaName);
            }
        }
    }

    private static String lastSchema(String schemaPath) {
        int dot = schemaPath.indexOf('.');
        return dot < 0 ? schemaPath : schemaPath.substring(0, dot);
    }
}

package io.cloudprovisioner.harness.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an EC2 query-protocol request (form parameters) against the operation's input shape in the botocore
 * service model (src/test/resources/specs/aws/service-2.json, protocol "ec2"): Action known, Version the model's,
 * every parameter name maps to a member (serialized name = queryName, else locationName with its first letter
 * upper-cased, else the member name; lists flattened as {@code Name.N}, N from 1 without gaps), required members
 * present at every level, enum values valid, integers / booleans / doubles / timestamps parse and integers are within
 * the shape's min / max.
 */
public final class AwsSpecValidator {
    static final String MODEL = "/specs/aws/service-2.json";
    private final JsonNode operations;
    private final JsonNode shapes;
    private final String apiVersion;
    private final Map<String, Map<String, String>> memberIndex = new HashMap<>();

    private AwsSpecValidator(JsonNode model) {
        this.operations = model.get("operations");
        this.shapes = model.get("shapes");
        this.apiVersion = model.get("metadata").get("apiVersion").asText();
        if (!"ec2".equals(model.get("metadata").get("protocol").asText())) {
            throw new IllegalStateException("not an ec2-protocol model");
        }
    }

    public static AwsSpecValidator load() {
        try (InputStream in = AwsSpecValidator.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IllegalStateException(MODEL + " missing from the test classpath");
            }
            return new AwsSpecValidator(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean knows(String action) {
        return action != null && operations.has(action);
    }

    /** Every way {@code form} breaks the model; empty when it conforms. */
    public List<String> validate(Map<String, String> form) {
        List<String> out = new ArrayList<>();
        String action = form.get("Action");
        if (action == null || !operations.has(action)) {
            out.add("unknown Action '" + action + "'");
            return out;
        }
        if (!apiVersion.equals(form.get("Version"))) {
            out.add(action + ": Version '" + form.get("Version") + "' is not " + apiVersion);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : form.entrySet()) {
            if (e.getKey().equals("Action") || e.getKey().equals("Version")) {
                continue;
            }
            insert(tree, e.getKey().split("\\.", -1), 0, e.getValue(), e.getKey(), out, action);
        }
        JsonNode input = operations.get(action).get("input");
        if (input == null) {
            if (!tree.isEmpty()) {
                out.add(action + ": takes no parameters but got " + tree.keySet());
            }
            return out;
        }
        check(tree, input.get("shape").asText(), action, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> node, String[] parts, int i, String value, String key,
            List<String> out, String action) {
        String p = parts[i];
        if (i == parts.length - 1) {
            if (node.containsKey(p)) {
                out.add(action + ": parameter " + key + " clashes with another");
            } else {
                node.put(p, value);
            }
            return;
        }
        Object child = node.computeIfAbsent(p, k -> new LinkedHashMap<String, Object>());
        if (!(child instanceof Map)) {
            out.add(action + ": parameter " + key + " nests under a scalar");
            return;
        }
        insert((Map<String, Object>) child, parts, i + 1, value, key, out, action);
    }

    private Map<String, String> members(String shapeName) {
        return memberIndex.computeIfAbsent(shapeName, n -> {
            Map<String, String> idx = new HashMap<>();
            shapes.get(n).get("members").fields().forEachRemaining(m -> idx.put(serializedName(m.getKey(),
                    m.getValue()), m.getKey()));
            return idx;
        });
    }

    static String serializedName(String member, JsonNode ref) {
        if (ref.has("queryName")) {
            return ref.get("queryName").asText();
        }
        if (ref.has("locationName")) {
            String l = ref.get("locationName").asText();
            return Character.toUpperCase(l.charAt(0)) + l.substring(1);
        }
        return member;
    }

    @SuppressWarnings("unchecked")
    private void check(Object node, String shapeName, String path, List<String> out) {
        JsonNode shape = shapes.get(shapeName);
        String type = shape.get("type").asText();
        switch (type) {
            case "structure" -> {
                if (!(node instanceof Map)) {
                    out.add(path + ": structure " + shapeName + " given a scalar");
                    return;
                }
                Map<String, Object> m = (Map<String, Object>) node;
                Map<String, String> idx = members(shapeName);
                for (Map.Entry<String, Object> e : m.entrySet()) {
                    String member = idx.get(e.getKey());
                    if (member == null) {
                        out.add(path + "." + e.getKey() + ": no such member of " + shapeName);
                        continue;
                    }
                    check(e.getValue(), shape.get("members").get(member).get("shape").asText(),
                            path + "." + e.getKey(), out);
                }
                if (shape.has("required")) {
                    for (JsonNode r : shape.get("required")) {
                        String name = serializedName(r.asText(), shape.get("members").get(r.asText()));
                        if (!m.containsKey(name)) {
                            out.add(path + ": required member " + name + " of " + shapeName + " missing");
                        }
                    }
                }
            }
            case "list" -> {
                if (!(node instanceof Map)) {
                    out.add(path + ": list " + shapeName + " given a scalar (lists are Name.N)");
                    return;
                }
                Map<String, Object> m = (Map<String, Object>) node;
                String member = shape.get("member").get("shape").asText();
                for (int i = 1; i <= m.size(); i++) {
                    if (!m.containsKey(Integer.toString(i))) {
                        out.add(path + ": list indexes must be 1.." + m.size() + " but are " + m.keySet());
                        return;
                    }
                }
                m.forEach((k, v) -> check(v, member, path + "." + k, out));
                checkRange(shape, m.size(), path + " (length)", out);
            }
            case "map" -> out.add(path + ": map shape " + shapeName + " is not expected in EC2 requests");
            default -> {
                if (!(node instanceof String s)) {
                    out.add(path + ": scalar " + shapeName + " given nested parameters");
                    return;
                }
                scalar(shape, shapeName, type, s, path, out);
            }
        }
    }

    private static void scalar(JsonNode shape, String shapeName, String type, String v, String path,
            List<String> out) {
        try {
            switch (type) {
                case "integer", "long" -> checkRange(shape, Long.parseLong(v), path, out);
                case "double", "float" -> Double.parseDouble(v);
                case "boolean" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        out.add(path + ": boolean must be true or false, got '" + v + "'");
                    }
                }
                case "timestamp" -> OffsetDateTime.parse(v);
                case "blob" -> java.util.Base64.getDecoder().decode(v);
                case "string" -> {
                    if (shape.has("enum")) {
                        boolean ok = false;
                        for (JsonNode e : shape.get("enum")) {
                            ok |= e.asText().equals(v);
                        }
                        if (!ok) {
                            out.add(path + ": '" + v + "' is not a value of enum " + shapeName);
                        }
                    }
                }
                default -> out.add(path + ": unexpected shape type " + type);
            }
        } catch (RuntimeException e) {
            out.add(path + ": '" + v + "' is not a valid " + type + " (" + shapeName + ")");
        }
    }

    private static void checkRange(JsonNode shape, long n, String path, List<String> out) {
        if (shape.has("min") && n < shape.get("min").asLong()) {
            out.add(path + ": " + n + " below minimum " + shape.get("min").asLong());
        }
        if (shape.has("max") && n > shape.get("max").asLong()) {
            out.add(path + ": " + n + " above maximum " + shape.get("max").asLong());
        }
    }
}

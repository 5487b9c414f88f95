package io.cloudprovisioner.harness.vultr;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Validates requests against Vultr's published OpenAPI description (src/test/resources/specs/vultr, see SOURCE.md
 * there). The description has known defects (a security scheme name with a space, array schemas without items), so
 * it is parsed leniently by swagger-parser and the result handed to the validator (stack.md). Its server URL ends
 * in /v2, so requests are validated with their /v2 path. Parsed once per JVM.
 */
public final class VultrSpecValidator {
    static final String SPEC = "/specs/vultr/vultr-openapi-v2.2023-02.vultr-python-client.json";
    private static volatile OpenApiInteractionValidator shared;

    private final OpenApiInteractionValidator validator;

    public VultrSpecValidator() {
        this.validator = load();
    }

    private static synchronized OpenApiInteractionValidator load() {
        if (shared == null) {
            String text;
            try (InputStream in = VultrSpecValidator.class.getResourceAsStream(SPEC)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + SPEC);
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ParseOptions opts = new ParseOptions();
            opts.setResolve(true);
            OpenAPI api = new OpenAPIV3Parser().readContents(text, null, opts).getOpenAPI();
            shared = new OpenApiInteractionValidator.Builder().withApi(api)
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                            .build())
                    .build();
        }
        return shared;
    }

    /** Every ERROR-level message for this request; empty when it conforms. */
    public List<String> validate(String method, String path, Map<String, List<String>> query,
            Map<String, String> headers, String body) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(method, path);
        query.forEach(b::withQueryParam);
        headers.forEach((k, v) -> b.withHeader(k, v));
        if (body != null && !body.isEmpty()) {
            b.withBody(body);
        }
        ValidationReport report = validator.validateRequest(b.build());
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> method + " " + path + ": " + m.getKey() + ": " + m.getMessage()).toList();
    }
}

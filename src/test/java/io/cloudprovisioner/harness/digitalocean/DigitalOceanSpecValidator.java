package io.cloudprovisioner.harness.digitalocean;

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
 * Validates requests against DigitalOcean's published OpenAPI description (src/test/resources/specs/digitalocean,
 * see SOURCE.md there). additionalProperties is ignored: the bundled spec's allOf compositions otherwise reject valid
 * droplet bodies (stack.md). Parsing the 3 MB description takes seconds, so it is done once per JVM.
 */
public final class DigitalOceanSpecValidator {
    static final String SPEC = "/specs/digitalocean/DigitalOcean-public.v2.bundled.yaml";
    private static volatile OpenApiInteractionValidator shared;

    private final OpenApiInteractionValidator validator;

    public DigitalOceanSpecValidator() {
        this.validator = load();
    }

    private static synchronized OpenApiInteractionValidator load() {
        if (shared == null) {
            String text;
            try (InputStream in = DigitalOceanSpecValidator.class.getResourceAsStream(SPEC)) {
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

package io.cloudprovisioner.provider.aws;

import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderAnswers.Page;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.catalog.LivePriceSource;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Live AWS on-demand prices from the AWS Price List Query API (GetProducts, JSON 1.1, SigV4 for service "pricing"),
 * per region: ServiceCode AmazonEC2 with TERM_MATCH filters regionCode, operatingSystem Linux, tenancy Shared,
 * preInstalledSw NA, capacitystatus Used, licenseModel "No License required"; the OnDemand term's "Hrs" USD price of
 * each instanceType. A type with two different prices after these filters is skipped (never guessed). Bounded
 * NextToken paging. The Maven-served AWS SDK has no Pricing client at the project's SDK version, so the request is
 * signed with the SDK's own SigV4 signer and sent with the JDK HTTP client.
 */
@Singleton
public class AwsOnDemandPrices implements LivePriceSource {
    private static final Logger LOG = Logger.getLogger(AwsOnDemandPrices.class);
    public static final String ID = "aws-price-list-live";
    static final String TARGET = "AWSPriceListService.GetProducts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILTERS = Map.of("operatingSystem", "Linux", "tenancy", "Shared",
            "preInstalledSw", "NA", "capacitystatus", "Used", "licenseModel", "No License required");

    private final AwsClients clients;
    private final AwsSettings settings;
    private volatile HttpClient http;

    private final ProviderGuard guard;
    private final ProviderAnswers answers;

    @Inject
    public AwsOnDemandPrices(AwsClients clients, AwsSettings settings, ProviderGuards guards) {
        this.clients = clients;
        this.settings = settings;
        this.guard = guards.of(Provider.AWS, settings.faultTolerance());
        this.answers = new ProviderAnswers(Provider.AWS, settings.providerAnswers());
    }

    @Override
    public Provider provider() {
        return Provider.AWS;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "AWS Price List API GetProducts (AmazonEC2): Linux, shared tenancy, no pre-installed software, "
                + "on-demand USD per hour by instanceType and regionCode (live)";
    }

    @Override
    public String origin() {
        return endpoint().toString();
    }

    URI endpoint() {
        return settings.pricingEndpoint()
                .orElse(URI.create("https://api.pricing." + settings.pricingRegion() + ".amazonaws.com/"));
    }

    /** One fetch through the provider's fault-tolerance guard (retried, counted by its breaker) like its other calls. */
    @Override
    public List<LivePrice> fetch(Set<String> catalogRegions) {
        return guard.call(Call.READ, () -> fetchOnce(catalogRegions));
    }

    private List<LivePrice> fetchOnce(Set<String> catalogRegions) {
        Set<String> regions = new TreeSet<>(catalogRegions);
        settings.regions().ifPresent(only -> regions.retainAll(Set.copyOf(only)));
        AwsCredentialsIdentity identity;
        try {
            identity = clients.credentials().resolveIdentity().join();
        } catch (RuntimeException e) {
            throw new ProviderException(Provider.AWS, ErrorClass.AUTH, ErrorScope.PROVIDER, "no_credentials",
                    "no AWS credentials could be resolved (" + e.getClass().getSimpleName() + ")");
        }
        List<LivePrice> out = new ArrayList<>();
        for (String region : regions) {
            out.addAll(region(region, identity));
        }
        return out;
    }

    private List<LivePrice> region(String region, AwsCredentialsIdentity identity) {
        Map<String, Set<Double>> prices = new HashMap<>();
        List<JsonNode> items = answers.pages("price list of " + region, token -> {
            JsonNode r = call(request(region, token), identity);
            List<JsonNode> page = new ArrayList<>();
            r.path("PriceList").forEach(page::add);
            return new Page<>(page, r.path("NextToken").asText(""));
        });
        for (JsonNode item : items) {
            try {
                JsonNode p = item.isTextual() ? JSON.readTree(item.asText()) : item;
                read(p, region, prices);
            } catch (IOException e) {
                LOG.debugf("AWS Price List: unreadable PriceList item in %s skipped", region);
            }
        }
        List<LivePrice> out = new ArrayList<>();
        prices.forEach((type, vs) -> {
            if (vs.size() == 1) {
                out.add(LivePrice.onDemand(type, region, vs.iterator().next(), Double.NaN));
            } else {
                LOG.debugf("AWS Price List: %s in %s has %d different prices, skipped", type, region, vs.size());
            }
        });
        return answers.prices("on-demand prices", out);
    }

    /** Adds the OnDemand hourly USD price of one product when its attributes are the ones asked for. */
    static void read(JsonNode p, String region, Map<String, Set<Double>> prices) {
        JsonNode a = p.path("product").path("attributes");
        String type = a.path("instanceType").asText("");
        if (type.isEmpty() || !region.equals(a.path("regionCode").asText(""))) {
            return;
        }
        for (Map.Entry<String, String> f : FILTERS.entrySet()) {
            if (!f.getValue().equals(a.path(f.getKey()).asText(""))) {
                return;
            }
        }
        for (JsonNode term : p.path("terms").path("OnDemand")) {
            for (JsonNode dim : term.path("priceDimensions")) {
                if (!"Hrs".equals(dim.path("unit").asText(""))) {
                    continue;
                }
                String usd = dim.path("pricePerUnit").path("USD").asText("");
                try {
                    double v = Double.parseDouble(usd);
                    if (v > 0 && !Double.isInfinite(v)) {
                        prices.computeIfAbsent(type, k -> new HashSet<>()).add(v);
                    }
                } catch (NumberFormatException e) {
                    // not a price: ignored
                }
            }
        }
    }

    static byte[] request(String region, String token) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ServiceCode", "AmazonEC2");
        body.put("FormatVersion", "aws_v1");
        body.put("MaxResults", 100);
        ArrayNode filters = body.putArray("Filters");
        filters.addObject().put("Type", "TERM_MATCH").put("Field", "regionCode").put("Value", region);
        new TreeSet<>(FILTERS.keySet()).forEach(k -> filters.addObject().put("Type", "TERM_MATCH").put("Field", k)
                .put("Value", FILTERS.get(k)));
        if (token != null) {
            body.put("NextToken", token);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode call(byte[] body, AwsCredentialsIdentity identity) {
        URI uri = endpoint();
        int attempts = Math.max(1, settings.maxAttempts());
        ProviderException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                pause();
            }
            SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                    .putHeader("Content-Type", "application/x-amz-json-1.1").putHeader("X-Amz-Target", TARGET)
                    .build();
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "pricing")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, settings.pricingRegion()));
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.readTimeout())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            signed.request().headers().forEach((k, vs) -> {
                String l = k.toLowerCase(Locale.ROOT);
                if (!l.equals("host") && !l.equals("content-length") && !l.equals("connection")) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            try {
                HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                last = classify(r.statusCode(), r.body());
                if (!last.retryable()) {
                    throw last;
                }
            } catch (IOException e) {
                last = new ProviderException(Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "io",
                        "AWS Price List unreachable (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "interrupted",
                        "interrupted");
            }
        }
        throw last;
    }

    /** An error answer of the JSON 1.1 protocol: {"__type": "...#Code", "message": ...}; the message is not kept. */
    static ProviderException classify(int status, String body) {
        String code = "";
        try {
            String t = JSON.readTree(body).path("__type").asText("");
            code = t.substring(t.lastIndexOf('#') + 1);
        } catch (IOException | RuntimeException e) {
            // no JSON body
        }
        ErrorClass c;
        if (status == 429 || code.contains("Throttling")) {
            c = ErrorClass.RATE_LIMITED;
        } else if (status >= 500) {
            c = ErrorClass.TRANSIENT;
        } else if (status == 401 || status == 403 || code.contains("AccessDenied") || code.contains("Unrecognized")
                || code.contains("Signature") || code.contains("ExpiredToken")) {
            c = ErrorClass.AUTH;
        } else {
            c = ErrorClass.INVALID_REQUEST;
        }
        return new ProviderException(Provider.AWS, c, ErrorScope.PROVIDER, code.isEmpty() ? "http_" + status : code,
                "AWS Price List answered HTTP " + status + (code.isEmpty() ? "" : " " + code));
    }

    private void pause() {
        try {
            Thread.sleep(Math.min(2000, Math.max(0, settings.retryBaseDelay().toMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "interrupted",
                    "interrupted");
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                c = http;
            }
        }
        return c;
    }
}

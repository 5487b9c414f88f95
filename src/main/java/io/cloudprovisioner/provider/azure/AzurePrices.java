package io.cloudprovisioner.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.catalog.LivePriceSource;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Live Azure prices from the public Azure Retail Prices API (no credentials): per catalog region, GET
 * {@code ?$filter=serviceName eq 'Virtual Machines' and armRegionName eq '<region>' and priceType eq 'Consumption'},
 * following NextPageLink (bounded, same host only). Kept: USD pay-as-you-go meters per "1 Hour" of Linux (product
 * names ending in "Windows" are dropped), Low Priority meters are dropped, "Spot" meters give the spot price, others
 * the on-demand price, keyed by armSkuName. Where the API lists several meters for one (SKU, region, kind) the
 * primary-region meter with the latest effectiveStartDate wins. Any failed page fails the whole fetch (the previous
 * prices stay).
 */
@Singleton
public class AzurePrices implements LivePriceSource {
    private static final Logger LOG = Logger.getLogger(AzurePrices.class);
    public static final String ID = "azure-retail-prices-live";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGION = Pattern.compile("[a-z0-9]{1,40}");
    private static final int ATTEMPTS = 2;

    private final AzureSettings settings;
    private final ProviderAnswers answers;
    private volatile HttpClient http;

    @Inject
    public AzurePrices(AzureSettings settings) {
        this.settings = settings;
        this.answers = new ProviderAnswers(Provider.AZURE, settings.providerAnswers());
    }

    @Override
    public Provider provider() {
        return Provider.AZURE;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Azure Retail Prices API: Virtual Machines, Consumption, Linux, USD per 1 Hour by armSkuName and "
                + "armRegionName; Spot meters as spot prices, Windows and Low Priority meters ignored (live)";
    }

    /** The Retail Prices API is public: fetched on schedule even when no Azure credentials are configured. */
    @Override
    public boolean needsCredentials() {
        return false;
    }

    @Override
    public String origin() {
        return settings.retailPricesUrl().toString();
    }

    @Override
    public List<LivePrice> fetch(Set<String> catalogRegions) {
        Set<String> regions = new TreeSet<>(catalogRegions);
        settings.retailPricesRegions().ifPresent(only -> regions.retainAll(Set.copyOf(only)));
        List<LivePrice> out = new ArrayList<>();
        for (String region : regions) {
            if (!REGION.matcher(region).matches()) {
                continue;
            }
            out.addAll(region(region));
        }
        return out;
    }

    private List<LivePrice> region(String region) {
        String filter = "serviceName eq 'Virtual Machines' and armRegionName eq '" + region
                + "' and priceType eq 'Consumption'";
        URI base = settings.retailPricesUrl();
        URI next = URI.create(base + "?$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        Map<String, Meter> onDemand = new HashMap<>();
        Map<String, Meter> spot = new HashMap<>();
        URI first = next;
        List<JsonNode> items = answers.pages("retail prices of " + region, link -> {
            JsonNode body = get(link == null ? first : sameService(base, link));
            List<JsonNode> page = new ArrayList<>();
            body.path("Items").forEach(page::add);
            return new ProviderAnswers.Page<>(page, body.path("NextPageLink").asText(""));
        });
        for (JsonNode item : items) {
            Meter m = Meter.of(item, region);
            if (m != null) {
                (m.spot ? spot : onDemand).merge(m.sku, m, Meter::better);
            }
        }
        List<LivePrice> out = new ArrayList<>();
        Set<String> skus = new TreeSet<>(onDemand.keySet());
        skus.addAll(spot.keySet());
        for (String sku : skus) {
            Meter od = onDemand.get(sku);
            Meter sp = spot.get(sku);
            out.add(new LivePrice(sku, region, od == null ? Double.NaN : od.price, sp == null ? Double.NaN : sp.price,
                    Double.NaN));
        }
        return answers.prices("retail prices", out);
    }

    /** A NextPageLink, accepted only on the configured service's scheme, host and port. */
    static URI sameService(URI base, String link) {
        URI u;
        try {
            u = URI.create(link);
        } catch (IllegalArgumentException e) {
            throw fail(ErrorClass.INVALID_REQUEST, "bad_next_link", "Azure Retail Prices returned a malformed "
                    + "NextPageLink");
        }
        if (!base.getScheme().equalsIgnoreCase(String.valueOf(u.getScheme()))
                || !base.getHost().equalsIgnoreCase(String.valueOf(u.getHost())) || port(base) != port(u)) {
            throw fail(ErrorClass.INVALID_REQUEST, "foreign_next_link",
                    "Azure Retail Prices NextPageLink points to another host");
        }
        return u;
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private JsonNode get(URI uri) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(settings.readTimeout())
                .header("Accept", "application/json").GET().build();
        ProviderException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                pause();
            }
            try {
                HttpResponse<String> r = client().send(req, HttpResponse.BodyHandlers.ofString());
                int code = r.statusCode();
                if (code == 200) {
                    return JSON.readTree(r.body());
                }
                ErrorClass c = code == 429 ? ErrorClass.RATE_LIMITED : code >= 500 ? ErrorClass.TRANSIENT
                        : code == 401 || code == 403 ? ErrorClass.AUTH : ErrorClass.INVALID_REQUEST;
                last = fail(c, "http_" + code, "Azure Retail Prices answered HTTP " + code);
                if (!c.retryable()) {
                    throw last;
                }
            } catch (IOException e) {
                last = fail(ErrorClass.TRANSIENT, "io", "Azure Retail Prices unreachable ("
                        + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(ErrorClass.TRANSIENT, "interrupted", "interrupted");
            }
        }
        throw last;
    }

    private void pause() {
        long ms = Math.min(2000, Math.max(0, settings.retryBaseDelay().toMillis()));
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(ErrorClass.TRANSIENT, "interrupted", "interrupted");
        }
    }

    private static ProviderException fail(ErrorClass c, String code, String message) {
        return new ProviderException(Provider.AZURE, c, ErrorScope.PROVIDER, code, message);
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

    /** One usable meter. */
    record Meter(String sku, boolean spot, double price, boolean primary, String effectiveStart) {

        /** The meter an item describes, or null when it is not a Linux pay-as-you-go hourly USD VM price. */
        static Meter of(JsonNode i, String region) {
            String sku = i.path("armSkuName").asText("");
            String skuName = i.path("skuName").asText("");
            String meterName = i.path("meterName").asText("");
            String product = i.path("productName").asText("");
            double price = i.path("retailPrice").asDouble(Double.NaN);
            if (sku.isEmpty() || !region.equals(i.path("armRegionName").asText(""))
                    || !"Consumption".equals(i.path("type").asText(""))
                    || !"1 Hour".equals(i.path("unitOfMeasure").asText(""))
                    || !"USD".equals(i.path("currencyCode").asText("USD"))
                    || !"Virtual Machines".equals(i.path("serviceName").asText("Virtual Machines"))
                    || product.toLowerCase(Locale.ROOT).endsWith("windows")
                    || skuName.contains("Low Priority") || meterName.contains("Low Priority")
                    || !(price > 0) || Double.isInfinite(price)) {
                return null;
            }
            boolean spot = skuName.contains("Spot") || meterName.contains("Spot");
            return new Meter(sku, spot, price, i.path("isPrimaryMeterRegion").asBoolean(true),
                    i.path("effectiveStartDate").asText(""));
        }

        static Meter better(Meter a, Meter b) {
            if (a.primary != b.primary) {
                return a.primary ? a : b;
            }
            return b.effectiveStart.compareTo(a.effectiveStart) > 0 ? b : a;
        }
    }
}

package io.cloudprovisioner.harness.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.FaultPlan;
import io.cloudprovisioner.harness.StandIn;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the public Azure Retail Prices API (GET /api/retail/prices, unauthenticated), on 127.0.0.1.
 * Answers {@code $filter=serviceName eq 'Virtual Machines' and armRegionName eq '<r>' [and priceType eq
 * 'Consumption']} with meters in the API's JSON shape (BillingCurrency, CustomerEntityId, Items[], NextPageLink,
 * Count), paged {@link #pageSize} items at a time with {@code $skip}. The meters mirror what the real API lists for
 * one size: Linux and Windows consumption, Spot and Low Priority variants, DevTest and reservation rows. Checks
 * that requests carry no credentials and a filter on Virtual Machines (violations otherwise). Faults are queued
 * for the operation "retailPrices.list"; SERVER_ERROR answers 500, THROTTLE 429, AUTH 401.
 */
public final class AzureRetailPricesStandIn implements StandIn {
    public static final String OPERATION = "retailPrices.list";
    static final String NAME = "azure-retail-prices-fake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGION = Pattern.compile("armRegionName eq '([^']*)'");

    private final WireMockServer server;
    private final FaultPlan faults = new FaultPlan();
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<ObjectNode> extra = new CopyOnWriteArrayList<>();
    private volatile int pageSize = 3;
    private volatile String nextLinkBase;

    public AzureRetailPricesStandIn() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Fake()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
    }

    /** The Retail Prices URL to configure (cloudprovisioner.azure.retail-prices-url). */
    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/api/retail/prices";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    @Override
    public List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    @Override
    public List<String> specViolations() {
        return List.copyOf(violations);
    }

    @Override
    public int liveInstances() {
        return 0;
    }

    /** Items per page (the real API serves 100 or 1000). */
    public void pageSize(int n) {
        pageSize = n;
    }

    /** Test hook: NextPageLinks point at this base instead of the stand-in (until {@link #reset()}). */
    public void nextLinkBase(String base) {
        nextLinkBase = base;
    }

    /** Test hook: an extra Linux consumption meter (until {@link #reset()}). */
    public void addMeter(String armSku, String region, double usdPerHour) {
        extra.add(meter(armSku, region, armSku.replace("Standard_", "").replace('_', ' '), "Virtual Machines Test "
                + "Series", "Consumption", usdPerHour));
    }

    @Override
    public synchronized void reset() {
        calls.clear();
        violations.clear();
        faults.clear();
        extra.clear();
        pageSize = 3;
        nextLinkBase = null;
    }

    @Override
    public void close() {
        server.stop();
    }

    /** The meters of one region, in the API's order (by meter, then product). */
    List<ObjectNode> meters(String region, boolean consumptionOnly) {
        List<ObjectNode> all = new ArrayList<>();
        if (region.equals("eastus")) {
            all.add(meter("Standard_D2s_v3", region, "D2s v3", "Virtual Machines DSv3 Series", "Consumption", 0.0912));
            all.add(meter("Standard_D2s_v3", region, "D2s v3", "Virtual Machines DSv3 Series Windows", "Consumption",
                    0.188));
            all.add(meter("Standard_D2s_v3", region, "D2s v3 Spot", "Virtual Machines DSv3 Series", "Consumption",
                    0.0113));
            all.add(meter("Standard_D2s_v3", region, "D2s v3 Spot", "Virtual Machines DSv3 Series Windows",
                    "Consumption", 0.0292));
            all.add(meter("Standard_D2s_v3", region, "D2s v3 Low Priority", "Virtual Machines DSv3 Series",
                    "Consumption", 0.0192));
            all.add(meter("Standard_D2s_v3", region, "D2s v3", "Virtual Machines DSv3 Series", "DevTestConsumption",
                    0.05));
            ObjectNode reservation = meter("Standard_D2s_v3", region, "D2s v3", "Virtual Machines DSv3 Series",
                    "Reservation", 504.0);
            reservation.put("reservationTerm", "1 Year");
            all.add(reservation);
            all.add(meter("Standard_B1s", region, "B1s", "Virtual Machines BS Series", "Consumption", 0.0108));
            all.add(meter("Standard_B1s", region, "B1s", "Virtual Machines BS Series Windows", "Consumption",
                    0.0166));
            all.add(meter("Standard_Z9x_v9", region, "Z9x v9", "Virtual Machines Zx Series", "Consumption", 0.001));
        } else if (region.equals("westus2")) {
            all.add(meter("Standard_D2s_v3", region, "D2s v3", "Virtual Machines DSv3 Series", "Consumption", 0.0931));
            all.add(meter("Standard_D2s_v3", region, "D2s v3 Spot", "Virtual Machines DSv3 Series", "Consumption",
                    0.0121));
        }
        for (ObjectNode e : extra) {
            if (e.path("armRegionName").asText().equals(region)) {
                all.add(e);
            }
        }
        if (consumptionOnly) {
            all.removeIf(m -> !m.path("type").asText().equals("Consumption"));
        }
        return all;
    }

    private static ObjectNode meter(String armSku, String region, String skuName, String product, String type,
            double price) {
        ObjectNode m = JSON.createObjectNode();
        m.put("currencyCode", "USD");
        m.put("tierMinimumUnits", 0.0);
        m.put("retailPrice", price);
        m.put("unitPrice", price);
        m.put("armRegionName", region);
        m.put("location", region.equals("eastus") ? "US East" : "US West 2");
        m.put("effectiveStartDate", "2024-08-01T00:00:00Z");
        m.put("meterId", java.util.UUID.nameUUIDFromBytes((armSku + region + skuName + product + type)
                .getBytes(StandardCharsets.UTF_8)).toString());
        m.put("meterName", skuName);
        m.put("productId", "DZH318Z0BQ4L");
        m.put("skuId", "DZH318Z0BQ4L/00" + Math.abs(skuName.hashCode() % 90 + 10));
        m.put("productName", product);
        m.put("skuName", skuName);
        m.put("serviceName", "Virtual Machines");
        m.put("serviceId", "DZH313Z7MMC8");
        m.put("serviceFamily", "Compute");
        m.put("unitOfMeasure", type.equals("Reservation") ? "1 Hour" : "1 Hour");
        m.put("type", type);
        m.put("isPrimaryMeterRegion", true);
        m.put("armSkuName", armSku);
        return m;
    }

    private static String param(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private final class Fake implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            LoggedRequest r = event.getRequest();
            URI uri = URI.create(r.getUrl());
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            calls.add(new RecordedCall(OPERATION, r.getMethod().getName(), uri.getRawPath(), query, ""));
            if (!r.getMethod().getName().equals("GET") || !uri.getRawPath().equals("/api/retail/prices")) {
                return error(404, "NotFound", "Resource not found").build();
            }
            if (r.containsHeader("Authorization")) {
                violations.add("the Retail Prices API is unauthenticated: no Authorization header may be sent");
            }
            String filter = param(query, "$filter");
            if (filter == null || !filter.contains("serviceName eq 'Virtual Machines'")) {
                violations.add("request without a serviceName eq 'Virtual Machines' filter: " + query);
                return ok(List.of(), null, 0);
            }
            Optional<Fault> fault = faults.next(OPERATION);
            if (fault.isPresent()) {
                switch (fault.get()) {
                    case THROTTLE -> {
                        return error(429, "TooManyRequests", "Too many requests").withHeader("Retry-After", "1")
                                .build();
                    }
                    case AUTH -> {
                        return error(401, "Unauthorized", "Unauthorized").build();
                    }
                    default -> {
                        return error(500, "InternalServerError", "Internal server error").build();
                    }
                }
            }
            Matcher m = REGION.matcher(filter);
            List<ObjectNode> all = m.find() ? meters(m.group(1), filter.contains("priceType eq 'Consumption'"))
                    : List.of();
            int skip = 0;
            String s = param(query, "$skip");
            if (s != null) {
                skip = Integer.parseInt(s);
            }
            int to = Math.min(all.size(), skip + pageSize);
            List<ObjectNode> page = all.subList(Math.min(skip, all.size()), to);
            String next = null;
            if (to < all.size()) {
                String base = nextLinkBase != null ? nextLinkBase : "http://127.0.0.1:" + server.port()
                        + "/api/retail/prices";
                next = base + "?$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20")
                        + "&$skip=" + to;
            }
            return ok(page, next, page.size());
        }

        private ResponseDefinition ok(List<ObjectNode> items, String next, int count) {
            ObjectNode body = JSON.createObjectNode();
            body.put("BillingCurrency", "USD");
            body.put("CustomerEntityId", "Default");
            body.put("CustomerEntityType", "Retail");
            ArrayNode a = body.putArray("Items");
            items.forEach(a::add);
            if (next == null) {
                body.putNull("NextPageLink");
            } else {
                body.put("NextPageLink", next);
            }
            body.put("Count", count);
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body.toString()).build();
        }

        private ResponseDefinitionBuilder error(int status, String code, String message) {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("Error").put("Code", code).put("Message", message);
            return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                    .withHeader("Content-Type", "application/json").withBody(body.toString());
        }
    }
}

package io.cloudprovisioner.harness.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A stand-in for the AWS Price List Query API on 127.0.0.1: POST / with X-Amz-Target AWSPriceListService.GetProducts
 * (JSON 1.1), SigV4-signed for service "pricing". Products are EC2 price-list documents (product.attributes,
 * terms.OnDemand...priceDimensions...pricePerUnit.USD), returned as JSON strings in PriceList and filtered by the
 * request's TERM_MATCH filters, two per page with NextToken. Violations: a wrong target, content type, signature
 * scope, service code, format version, filter type or MaxResults. Faults for operation "GetProducts".
 */
public final class AwsPricingStandIn implements StandIn {
    public static final String OPERATION = "GetProducts";
    static final String NAME = "aws-pricing-fake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPE = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=[A-Z0-9]+/\\d{8}/us-east-1/pricing/aws4_request, SignedHeaders=.*"
                    + "x-amz-target.*, Signature=[0-9a-f]{64}");

    private final WireMockServer server;
    private final FaultPlan faults = new FaultPlan();
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<ObjectNode> products = new ArrayList<>();

    public AwsPricingStandIn() {
        products.add(product("m5.large", "us-east-1", "Linux", "Shared", "Used", "0.0990000000"));
        products.add(product("m5.large", "us-east-1", "Windows", "Shared", "Used", "0.1880000000"));
        products.add(product("m5.large", "us-east-1", "Linux", "Dedicated", "Used", "0.1060000000"));
        products.add(product("m5.large", "us-east-1", "Linux", "Shared", "UnusedCapacityReservation", "0.0960000000"));
        products.add(product("m6i.large", "us-east-1", "Linux", "Shared", "Used", "0.0965000000"));
        products.add(product("zz9.mega", "us-east-1", "Linux", "Shared", "Used", "0.0010000000"));
        products.add(product("c5.large", "us-east-1", "Linux", "Shared", "Used", "0.0850000000"));
        ObjectNode twin = product("c5.large", "us-east-1", "Linux", "Shared", "Used", "0.0910000000");
        ((ObjectNode) twin.path("product")).put("sku", "TWINSKU0000000001");
        products.add(twin);
        products.add(product("t3.micro", "eu-west-1", "Linux", "Shared", "Used", "0.0118000000"));
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Fake()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/";
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

    @Override
    public void reset() {
        calls.clear();
        violations.clear();
        faults.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static ObjectNode product(String type, String region, String os, String tenancy, String capacity,
            String usd) {
        ObjectNode p = JSON.createObjectNode();
        String sku = Integer.toHexString((type + region + os + tenancy + capacity).hashCode()).toUpperCase();
        ObjectNode product = p.putObject("product");
        product.put("productFamily", "Compute Instance");
        product.put("sku", sku);
        ObjectNode a = product.putObject("attributes");
        a.put("servicecode", "AmazonEC2");
        a.put("instanceType", type);
        a.put("regionCode", region);
        a.put("location", region.equals("us-east-1") ? "US East (N. Virginia)" : "EU (Ireland)");
        a.put("operatingSystem", os);
        a.put("tenancy", tenancy);
        a.put("preInstalledSw", "NA");
        a.put("capacitystatus", capacity);
        a.put("licenseModel", "No License required");
        a.put("usagetype", "BoxUsage:" + type);
        a.put("operation", os.equals("Windows") ? "RunInstances:0002" : "RunInstances");
        p.put("serviceCode", "AmazonEC2");
        ObjectNode term = p.putObject("terms").putObject("OnDemand").putObject(sku + ".JRTCKXETXF");
        term.put("offerTermCode", "JRTCKXETXF");
        term.put("sku", sku);
        term.put("effectiveDate", "2026-11-01T00:00:00Z");
        ObjectNode dim = term.putObject("priceDimensions").putObject(sku + ".JRTCKXETXF.6YS6EN2CT7");
        dim.put("unit", "Hrs");
        dim.put("description", "$" + usd + " per On Demand " + os + " " + type + " Instance Hour");
        dim.putObject("pricePerUnit").put("USD", usd);
        p.put("version", "20261101000000");
        p.put("publicationDate", "2026-11-20T00:00:00Z");
        return p;
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
            String body = r.getBodyAsString() == null ? "" : r.getBodyAsString();
            calls.add(new RecordedCall(OPERATION, r.getMethod().getName(), r.getUrl(), "", body));
            if (!"AWSPriceListService.GetProducts".equals(r.getHeader("X-Amz-Target"))) {
                violations.add("X-Amz-Target " + r.getHeader("X-Amz-Target"));
                return error(400, "UnknownOperationException", "");
            }
            if (!"POST".equals(r.getMethod().getName()) || !"/".equals(r.getUrl())) {
                violations.add("GetProducts is POST /: " + r.getMethod().getName() + " " + r.getUrl());
            }
            String ct = r.getHeader("Content-Type");
            if (ct == null || !ct.startsWith("application/x-amz-json-1.1")) {
                violations.add("Content-Type " + ct);
            }
            String auth = r.getHeader("Authorization");
            if (auth == null || !SCOPE.matcher(auth).matches()) {
                violations.add("not SigV4-signed for pricing in us-east-1");
            }
            JsonNode in;
            try {
                in = JSON.readTree(body);
            } catch (Exception e) {
                violations.add("body is not JSON");
                return error(400, "SerializationException", "");
            }
            if (!"AmazonEC2".equals(in.path("ServiceCode").asText()) || !"aws_v1".equals(
                    in.path("FormatVersion").asText("aws_v1"))) {
                violations.add("ServiceCode/FormatVersion " + in.path("ServiceCode") + " " + in.path("FormatVersion"));
            }
            int max = in.path("MaxResults").asInt(100);
            if (max < 1 || max > 100) {
                violations.add("MaxResults " + max);
            }
            Set<String> known = Set.of("ServiceCode", "Filters", "FormatVersion", "NextToken", "MaxResults");
            in.fieldNames().forEachRemaining(f -> {
                if (!known.contains(f)) {
                    violations.add("unknown member " + f);
                }
            });
            Optional<Fault> fault = faults.next(OPERATION);
            if (fault.isPresent()) {
                return switch (fault.get()) {
                    case THROTTLE -> error(400, "ThrottlingException", "Rate exceeded");
                    case AUTH -> error(403, "UnrecognizedClientException", "The security token included in the "
                            + "request is invalid.");
                    default -> error(500, "InternalErrorException", "An internal error occurred");
                };
            }
            List<ObjectNode> match = new ArrayList<>();
            for (ObjectNode p : products) {
                boolean ok = true;
                for (JsonNode f : in.path("Filters")) {
                    if (!"TERM_MATCH".equals(f.path("Type").asText())) {
                        violations.add("filter type " + f.path("Type"));
                    }
                    ok &= f.path("Value").asText().equals(p.path("product").path("attributes")
                            .path(f.path("Field").asText()).asText(null));
                }
                if (ok) {
                    match.add(p);
                }
            }
            int start = in.has("NextToken") ? Integer.parseInt(in.path("NextToken").asText().substring(4)) : 0;
            int end = Math.min(match.size(), start + Math.min(2, max));
            ObjectNode out = JSON.createObjectNode();
            out.put("FormatVersion", "aws_v1");
            ArrayNode list = out.putArray("PriceList");
            for (ObjectNode p : match.subList(Math.min(start, match.size()), end)) {
                list.add(p.toString());
            }
            if (end < match.size()) {
                out.put("NextToken", "tok-" + end);
            }
            return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.1").withBody(out.toString()).build();
        }

        private ResponseDefinition error(int status, String code, String message) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(JSON.createObjectNode().put("__type", "com.amazonaws.pricingservice#" + code)
                            .put("message", message).toString()).build();
        }
    }
}

package io.cloudprovisioner.harness.gcp;

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
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.FaultPlan;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.StandIn;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful local Compute Engine v1 (REST/JSON) on 127.0.0.1, plus the OAuth 2.0 token endpoint that
 * service-account credentials exchange their signed JWT at. One catch-all WireMock stub; every answer comes from
 * {@link Dispatcher}, which routes to a small fake:
 * <ul>
 * <li>instances.insert returns a PENDING zone operation; zoneOperations.wait / get finish it (DONE); the instance is
 * PROVISIONING, STAGING on its first read, RUNNING from its second; instances.delete removes it once its operation
 * is waited on; get / list / aggregatedList reflect the state; requestId deduplicates inserts like Compute does;</li>
 * <li>firewalls get / insert (global operations), machineTypes.list;</li>
 * <li>faults per operation in Compute's own error format: 429 rateLimitExceeded, 503 backendError, 401 authError,
 * operation errors ZONE_RESOURCE_POOL_EXHAUSTED and QUOTA_EXCEEDED, slow answers;</li>
 * <li>every Compute request validated by {@link GcpSpecValidator}; requests without a token it issued get 401;</li>
 * <li>instances.aggregatedList and machineTypes.list page as Compute does (maxResults, at most 500, an opaque
 * pageToken, nextPageToken while more remain) and answer in the {@link Hostile} modes set for them
 * ({@link FaultPlan#hostile}, keyed by operation): a repeated or endless nextPageToken, every entry twice, machine
 * types with impossible figures, instances the filter does not match.</li>
 * </ul>
 */
public final class GcpStandIn implements StandIn {
    static final String PREFIX = "/compute/v1/projects/";
    static final Pattern MACHINE_TYPE = Pattern.compile(
            "(e2|n1|n2|n2d|n4|c2|c2d|c3|c3d|c4|t2d|t2a|m1|m2|m3|a2|a3|g2)-[a-z0-9-]+");
    /** Compute's page tokens are opaque; the stand-in's are tok-OFFSET, or tok-OFFSET-PAGE in hostile modes. */
    private static final Pattern PAGE_TOKEN = Pattern.compile("tok-(\\d{1,9})(?:-(\\d{1,9}))?");
    private static final Pattern FILTER = Pattern.compile("\\s*([A-Za-z0-9_.-]+)\\s*=\\s*\"?([^\"]*)\"?\\s*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final FaultPlan faults = new FaultPlan();
    private final List<RecordedCall> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Object lock = new Object();
    private final Map<String, ObjectNode> instances = new LinkedHashMap<>();
    private final Map<String, Integer> reads = new LinkedHashMap<>();
    private final Map<String, ObjectNode> operations = new LinkedHashMap<>();
    /** What an operation does when it finishes: create / delete an instance (key zone/name), or fail. */
    private final Map<String, Runnable> onDone = new LinkedHashMap<>();
    private final Map<String, String> requestIds = new LinkedHashMap<>();
    private final Map<String, ObjectNode> firewalls = new LinkedHashMap<>();
    private final Set<String> tokens = new HashSet<>();
    private final AtomicLong ids = new AtomicLong(4_100_000_000_000_000_000L);
    private final boolean requireAuth;

    /** Starts on a free loopback port; {@code requireAuth}: Compute calls need a token from /token. */
    public GcpStandIn(boolean requireAuth) {
        this.requireAuth = requireAuth;
        GcpSpecValidator.get();
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Dispatcher()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The OAuth 2.0 token endpoint for the service-account key file. */
    public String tokenUri() {
        return baseUrl() + "/token";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    @Override
    public List<RecordedCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The calls of one operation, in order. */
    public List<RecordedCall> calls(String operation) {
        return calls().stream().filter(c -> c.operation().equals(operation)).toList();
    }

    @Override
    public List<String> specViolations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    public int liveInstances() {
        synchronized (lock) {
            return instances.size();
        }
    }

    /** The stored instance resource (as get returns it), if any. */
    public Optional<JsonNode> instance(String zone, String name) {
        synchronized (lock) {
            return Optional.ofNullable(instances.get(zone + "/" + name)).map(JsonNode::deepCopy);
        }
    }

    /**
     * An instance made outside this service (or by another of its requests): RUNNING in {@code zone}, with exactly
     * {@code labels}; its id as the adapter names it (zone/name).
     */
    public String plant(String zone, String name, String machineType, Map<String, String> labels) {
        ObjectNode resource = JSON.createObjectNode().put("name", name)
                .put("machineType", "zones/" + zone + "/machineTypes/" + machineType);
        ObjectNode l = resource.putObject("labels");
        labels.forEach(l::put);
        resource.putArray("networkInterfaces").addObject().put("network", "global/networks/default");
        resource.putArray("disks").addObject().put("boot", true).put("autoDelete", true).put("type", "PERSISTENT")
                .putObject("initializeParams").put("diskSizeGb", "10");
        synchronized (lock) {
            ObjectNode i = created(GcpStandInResource.PROJECT, zone, name, resource);
            i.put("status", "RUNNING");
            instances.put(zone + "/" + name, i);
        }
        return zone + "/" + name;
    }

    /** The stored firewall rule, if any. */
    public Optional<JsonNode> firewall(String name) {
        synchronized (lock) {
            return Optional.ofNullable(firewalls.get(name)).map(JsonNode::deepCopy);
        }
    }

    /** Access tokens handed out by the token endpoint (secrets: tests check they never leak). */
    public Set<String> issuedTokens() {
        synchronized (lock) {
            return Set.copyOf(tokens);
        }
    }

    @Override
    public void reset() {
        synchronized (lock) {
            instances.clear();
            reads.clear();
            operations.clear();
            onDone.clear();
            requestIds.clear();
            firewalls.clear();
            // Issued tokens stay valid: the client caches its token for an hour, as against the real endpoint.
        }
        calls.clear();
        violations.clear();
        faults.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    // ---- dispatch -------------------------------------------------------------------------------------

    /** The catch-all stub's answer. */
    final class Dispatcher implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "gcp-compute-fake";
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            try {
                return handle(event.getRequest()).build();
            } catch (RuntimeException e) {
                violations.add("stand-in failure: " + e);
                return json(500, error(500, "stand-in failure: " + e.getClass().getSimpleName(), "backendError",
                        "INTERNAL")).build();
            }
        }
    }

    private ResponseDefinitionBuilder handle(Request req) {
        String url = req.getUrl();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        String rawQuery = q < 0 ? "" : url.substring(q + 1);
        Map<String, List<String>> query = parseQuery(rawQuery);
        String method = req.getMethod().getName();
        String body = req.getBodyAsString() == null ? "" : req.getBodyAsString();

        if (path.equals("/token")) {
            calls.add(new RecordedCall("oauth2.token", method, path, rawQuery, body));
            return token(method, body);
        }
        if (!path.startsWith(PREFIX)) {
            calls.add(new RecordedCall("unknown", method, path, rawQuery, body));
            violations.add("request outside the Compute v1 API: " + method + " " + path);
            return json(404, error(404, "Not Found", "notFound", "NOT_FOUND"));
        }
        String[] p = path.substring(PREFIX.length()).split("/");
        String project = p[0];
        String op = operationName(method, p);
        calls.add(new RecordedCall(op, method, path, rawQuery, body));
        if (op.equals("unknown")) {
            violations.add("operation the stand-in does not serve: " + method + " " + path);
            return json(404, error(404, "The requested URL was not found on this server.", "notFound", "NOT_FOUND"));
        }
        violations.addAll(GcpSpecValidator.get().validate(op, method, path, query,
                req.contentTypeHeader() == null ? null : req.contentTypeHeader().mimeTypePart(), body));
        if (requireAuth) {
            String auth = req.getHeader("Authorization");
            boolean ok;
            synchronized (lock) {
                ok = auth != null && auth.startsWith("Bearer ") && tokens.contains(auth.substring(7));
            }
            if (!ok) {
                return unauthenticated();
            }
        }
        Optional<Fault> fault = faults.next(op);
        long delay = 0;
        if (fault.isPresent()) {
            switch (fault.get()) {
                case THROTTLE:
                    return json(429, error(429, "Rate Limit Exceeded", "rateLimitExceeded", "RESOURCE_EXHAUSTED"));
                case SERVER_ERROR:
                    return json(503, error(503, "The service is currently unavailable.", "backendError",
                            "UNAVAILABLE"));
                case AUTH:
                    return unauthenticated();
                case SLOW:
                    delay = faults.slowDelayMillis();
                    break;
                case CAPACITY:
                case QUOTA:
                    if (!op.equals("instances.insert")) {
                        return json(403, error(403, "Quota exceeded for quota metric 'Queries'.",
                                "quotaExceeded", "PERMISSION_DENIED"));
                    }
                    break;
                default:
                    break;
            }
        }
        ResponseDefinitionBuilder out;
        synchronized (lock) {
            out = route(op, p, project, query, body, fault.orElse(null));
        }
        return delay > 0 ? out.withFixedDelay((int) delay) : out;
    }

    static String operationName(String method, String[] p) {
        // p: [project, ...]
        int n = p.length;
        if (n >= 3 && p[1].equals("zones")) {
            if (n == 4 && p[3].equals("instances")) {
                return method.equals("POST") ? "instances.insert" : method.equals("GET") ? "instances.list"
                        : "unknown";
            }
            if (n == 5 && p[3].equals("instances")) {
                return method.equals("GET") ? "instances.get" : method.equals("DELETE") ? "instances.delete"
                        : "unknown";
            }
            if (n == 5 && p[3].equals("operations") && method.equals("GET")) {
                return "zoneOperations.get";
            }
            if (n == 6 && p[3].equals("operations") && p[5].equals("wait") && method.equals("POST")) {
                return "zoneOperations.wait";
            }
            if (n == 4 && p[3].equals("machineTypes") && method.equals("GET")) {
                return "machineTypes.list";
            }
        }
        if (n == 3 && p[1].equals("aggregated") && p[2].equals("instances") && method.equals("GET")) {
            return "instances.aggregatedList";
        }
        if (n >= 3 && p[1].equals("global")) {
            if (n == 3 && p[2].equals("firewalls") && method.equals("POST")) {
                return "firewalls.insert";
            }
            if (n == 4 && p[2].equals("firewalls") && method.equals("GET")) {
                return "firewalls.get";
            }
            if (n == 4 && p[2].equals("operations") && method.equals("GET")) {
                return "globalOperations.get";
            }
            if (n == 5 && p[2].equals("operations") && p[4].equals("wait") && method.equals("POST")) {
                return "globalOperations.wait";
            }
        }
        return "unknown";
    }

    private ResponseDefinitionBuilder route(String op, String[] p, String project, Map<String, List<String>> query,
            String body, Fault fault) {
        return switch (op) {
            case "instances.insert" -> insert(project, p[2], query, body, fault);
            case "instances.get" -> getInstance(project, p[2], p[4]);
            case "instances.delete" -> delete(project, p[2], p[4], query);
            case "instances.list" -> listZone(project, p[2], query);
            case "instances.aggregatedList" -> aggregated(op, project, query);
            case "zoneOperations.get", "zoneOperations.wait" -> operation(project, p[4], true);
            case "globalOperations.get", "globalOperations.wait" -> operation(project, p[3], true);
            case "firewalls.get" -> getFirewall(project, p[3]);
            case "firewalls.insert" -> insertFirewall(project, query, body);
            case "machineTypes.list" -> machineTypes(op, project, p[2], query);
            default -> json(404, error(404, "not found", "notFound", "NOT_FOUND"));
        };
    }

    // ---- instances --------------------------------------------------------------------------------------

    private ResponseDefinitionBuilder insert(String project, String zone, Map<String, List<String>> query,
            String body, Fault fault) {
        String requestId = first(query, "requestId");
        if (requestId != null && requestIds.containsKey(requestId)) {
            return json(200, operations.get(requestIds.get(requestId)));
        }
        ObjectNode resource;
        try {
            resource = (ObjectNode) JSON.readTree(body);
        } catch (Exception e) {
            return json(400, error(400, "Invalid JSON payload received.", "parseError", "INVALID_ARGUMENT"));
        }
        String name = resource.path("name").asText("");
        String type = lastSegment(resource.path("machineType").asText(""));
        if (!name.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])?")) {
            return json(400, error(400, "Invalid value for field 'resource.name': '" + name
                    + "'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'", "invalid",
                    "INVALID_ARGUMENT"));
        }
        if (!MACHINE_TYPE.matcher(type).matches()) {
            return json(400, error(400, "Invalid value for field 'resource.machineType': '"
                    + resource.path("machineType").asText() + "'. Machine type with name '" + type
                    + "' does not exist in zone '" + zone + "'.", "invalid", "INVALID_ARGUMENT"));
        }
        String key = zone + "/" + name;
        if (instances.containsKey(key)) {
            return json(409, error(409, "The resource 'projects/" + project + "/zones/" + zone + "/instances/"
                    + name + "' already exists", "alreadyExists", "ALREADY_EXISTS"));
        }
        String target = self(project, "zones/" + zone + "/instances/" + name);
        ObjectNode opNode = newOperation(project, "zones/" + zone, "insert", target);
        String opName = opNode.get("name").asText();
        if (requestId != null) {
            requestIds.put(requestId, opName);
        }
        if (fault == Fault.CAPACITY) {
            onDone.put(opName, () -> fail(opNode, 503, "SERVICE UNAVAILABLE", "ZONE_RESOURCE_POOL_EXHAUSTED",
                    "The zone 'projects/" + project + "/zones/" + zone + "' does not have enough resources "
                            + "available to fulfill the request.  Try a different zone, or try again later."));
        } else if (fault == Fault.QUOTA) {
            onDone.put(opName, () -> fail(opNode, 403, "FORBIDDEN", "QUOTA_EXCEEDED",
                    "Quota 'CPUS' exceeded.  Limit: 24.0 in region " + zone.substring(0, zone.lastIndexOf('-'))
                            + "."));
        } else {
            onDone.put(opName, () -> instances.put(key, created(project, zone, name, resource)));
        }
        return json(200, opNode);
    }

    private ObjectNode created(String project, String zone, String name, ObjectNode resource) {
        ObjectNode i = resource.deepCopy();
        long id = ids.incrementAndGet();
        int n = instances.size() + 1;
        i.put("kind", "compute#instance");
        i.put("id", Long.toString(id));
        i.put("creationTimestamp", OffsetDateTime.now(ZoneOffset.ofHours(-8)).withNano(0).toString());
        i.put("status", "PROVISIONING");
        i.put("zone", self(project, "zones/" + zone));
        i.put("selfLink", self(project, "zones/" + zone + "/instances/" + name));
        i.put("machineType", self(project, resource.path("machineType").asText()));
        i.put("cpuPlatform", "Unknown CPU Platform");
        i.put("fingerprint", "k5b2TeR0AqY=");
        i.put("labelFingerprint", "42WmSpB8rSM=");
        i.put("startRestricted", false);
        i.put("deletionProtection", false);
        ArrayNode nics = (ArrayNode) i.path("networkInterfaces");
        for (int k = 0; k < nics.size(); k++) {
            ObjectNode nic = (ObjectNode) nics.get(k);
            nic.put("kind", "compute#networkInterface");
            nic.put("name", "nic" + k);
            nic.put("networkIP", "10.128.0." + (n + 1));
            nic.put("network", self(project, nic.path("network").asText("global/networks/default")));
            nic.put("fingerprint", "zGPiBvbzHqA=");
            nic.put("stackType", "IPV4_ONLY");
            for (JsonNode ac : nic.path("accessConfigs")) {
                ((ObjectNode) ac).put("kind", "compute#accessConfig");
                ((ObjectNode) ac).put("natIP", "34.118.0." + (n + 9));
                ((ObjectNode) ac).put("networkTier", "PREMIUM");
            }
        }
        ArrayNode disks = (ArrayNode) i.path("disks");
        for (int k = 0; k < disks.size(); k++) {
            ObjectNode d = (ObjectNode) disks.get(k);
            long gb = d.path("initializeParams").path("diskSizeGb").asLong(10);
            d.remove("initializeParams");
            d.put("kind", "compute#attachedDisk");
            d.put("index", k);
            d.put("deviceName", "persistent-disk-" + k);
            d.put("source", self(project, "zones/" + zone + "/disks/" + name));
            d.put("mode", "READ_WRITE");
            d.put("interface", "SCSI");
            d.put("diskSizeGb", Long.toString(gb));
        }
        if (i.has("tags")) {
            ((ObjectNode) i.get("tags")).put("fingerprint", "6smc4R4d39I=");
        }
        if (i.has("metadata")) {
            ((ObjectNode) i.get("metadata")).put("kind", "compute#metadata").put("fingerprint", "cQ4KxqjD8hM=");
        }
        if (!i.has("scheduling")) {
            i.putObject("scheduling").put("onHostMaintenance", "MIGRATE").put("automaticRestart", true)
                    .put("preemptible", false).put("provisioningModel", "STANDARD");
        } else {
            ObjectNode s = (ObjectNode) i.get("scheduling");
            s.put("preemptible", false);
            if (!s.has("provisioningModel")) {
                s.put("provisioningModel", "STANDARD");
            }
        }
        reads.put(zone + "/" + name, 0);
        return i;
    }

    private ResponseDefinitionBuilder getInstance(String project, String zone, String name) {
        String key = zone + "/" + name;
        ObjectNode i = instances.get(key);
        if (i == null) {
            return notFound(project, "zones/" + zone + "/instances/" + name);
        }
        int r = reads.merge(key, 1, Integer::sum);
        String status = i.get("status").asText();
        if (status.equals("PROVISIONING") || status.equals("STAGING")) {
            i.put("status", r >= 2 ? "RUNNING" : "STAGING");
            if (r >= 2) {
                i.put("lastStartTimestamp", OffsetDateTime.now(ZoneOffset.ofHours(-8)).withNano(0).toString());
            }
        }
        return json(200, i);
    }

    private ResponseDefinitionBuilder delete(String project, String zone, String name,
            Map<String, List<String>> query) {
        String key = zone + "/" + name;
        String requestId = first(query, "requestId");
        if (requestId != null && requestIds.containsKey(requestId)) {
            return json(200, operations.get(requestIds.get(requestId)));
        }
        ObjectNode i = instances.get(key);
        if (i == null) {
            return notFound(project, "zones/" + zone + "/instances/" + name);
        }
        i.put("status", "STOPPING");
        ObjectNode opNode = newOperation(project, "zones/" + zone, "delete", i.get("selfLink").asText());
        if (requestId != null) {
            requestIds.put(requestId, opNode.get("name").asText());
        }
        onDone.put(opNode.get("name").asText(), () -> {
            instances.remove(key);
            reads.remove(key);
        });
        return json(200, opNode);
    }

    private ResponseDefinitionBuilder listZone(String project, String zone, Map<String, List<String>> query) {
        ObjectNode out = JSON.createObjectNode().put("kind", "compute#instanceList")
                .put("id", "projects/" + project + "/zones/" + zone + "/instances")
                .put("selfLink", self(project, "zones/" + zone + "/instances"));
        ArrayNode items = out.putArray("items");
        for (Map.Entry<String, ObjectNode> e : instances.entrySet()) {
            if (e.getKey().startsWith(zone + "/") && matches(e.getValue(), first(query, "filter"))) {
                items.add(e.getValue());
            }
        }
        return json(200, out);
    }

    private ResponseDefinitionBuilder aggregated(String op, String project, Map<String, List<String>> query) {
        String filter = first(query, "filter");
        if (filter != null && !FILTER.matcher(filter).matches()) {
            return json(400, error(400, "Invalid value for field 'filter': '" + filter + "'. Invalid list filter "
                    + "expression.", "invalid", "INVALID_ARGUMENT"));
        }
        // FOREIGN_UNDER_FILTER: the filter is not applied (instances it does not match are listed too)
        boolean ignoreFilter = faults.isHostile(op, Hostile.FOREIGN_UNDER_FILTER);
        Set<String> zones = new java.util.TreeSet<>();
        List<Map.Entry<String, ObjectNode>> matching = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : instances.entrySet()) {
            String zone = e.getKey().substring(0, e.getKey().indexOf('/'));
            zones.add("zones/" + zone);
            if (ignoreFilter || matches(e.getValue(), filter)) {
                matching.add(Map.entry("zones/" + zone, e.getValue()));
            }
        }
        Paged<Map.Entry<String, ObjectNode>> page = page(op, maybeTwice(op, matching), query);
        if (page == null) {
            return badPageToken(query);
        }
        Map<String, ArrayNode> byZone = new TreeMap<>();
        zones.forEach(z -> byZone.put(z, JSON.createArrayNode()));
        page.items().forEach(e -> byZone.get(e.getKey()).add(e.getValue()));
        ObjectNode out = JSON.createObjectNode().put("kind", "compute#instanceAggregatedList")
                .put("id", "projects/" + project + "/aggregated/instances")
                .put("selfLink", self(project, "aggregated/instances"));
        ObjectNode items = out.putObject("items");
        for (Map.Entry<String, ArrayNode> e : byZone.entrySet()) {
            if (e.getValue().isEmpty()) {
                items.putObject(e.getKey()).putObject("warning").put("code", "NO_RESULTS_ON_PAGE")
                        .put("message", "There are no results for scope '" + e.getKey() + "' on this page.")
                        .putArray("data").addObject().put("key", "scope").put("value", e.getKey());
            } else {
                items.putObject(e.getKey()).set("instances", e.getValue());
            }
        }
        if (byZone.isEmpty()) {
            items.putObject("zones/us-central1-a").putObject("warning").put("code", "NO_RESULTS_ON_PAGE")
                    .put("message", "There are no results for scope 'zones/us-central1-a' on this page.");
        }
        if (page.next() != null) {
            out.put("nextPageToken", page.next());
        }
        return json(200, out);
    }

    /** One page of a listing and the nextPageToken of the rest (null on the last page). */
    record Paged<T>(List<T> items, String next) {
    }

    /**
     * The page of {@code all} the request's pageToken and maxResults (default and at most 500) select, as Compute
     * pages; in the hostile modes set for {@code op} every page starts over and names the first page's token again
     * (REPEAT_CURSOR) or a fresh one (ENDLESS_PAGES). Null when the pageToken is not one the stand-in handed out.
     */
    private <T> Paged<T> page(String op, List<T> all, Map<String, List<String>> query) {
        int start = 0;
        int page = 1;
        String token = first(query, "pageToken");
        if (token != null && !token.isEmpty()) {
            Matcher m = PAGE_TOKEN.matcher(token);
            if (!m.matches()) {
                return null;
            }
            start = Integer.parseInt(m.group(1));
            page = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        }
        String max = first(query, "maxResults");
        int size = max == null ? 500 : Math.max(0, Math.min(500, Integer.parseInt(max)));
        boolean repeat = faults.isHostile(op, Hostile.REPEAT_CURSOR);
        boolean endless = faults.isHostile(op, Hostile.ENDLESS_PAGES);
        if (repeat || endless) {
            start = 0;
        }
        int from = Math.min(start, all.size());
        int end = Math.min(all.size(), from + size);
        String next = repeat ? "tok-0-2" : endless ? "tok-0-" + (page + 1) : end < all.size() ? "tok-" + end : null;
        return new Paged<>(List.copyOf(all.subList(from, end)), next);
    }

    /** {@code items}, each listed twice when {@code op} is answered in the DUPLICATES mode. */
    private <T> List<T> maybeTwice(String op, List<T> items) {
        return faults.maybeTwice(op, items);
    }

    private static ResponseDefinitionBuilder badPageToken(Map<String, List<String>> query) {
        return json(400, error(400, "Invalid value for field 'pageToken': '" + first(query, "pageToken") + "'.",
                "invalid", "INVALID_ARGUMENT"));
    }

    /** Supports the filters the adapter sends: {@code field = "value"} on name or labels.KEY. */
    static boolean matches(JsonNode instance, String filter) {
        if (filter == null || filter.isBlank()) {
            return true;
        }
        Matcher m = FILTER.matcher(filter);
        if (!m.matches()) {
            return false;
        }
        String field = m.group(1);
        String value = m.group(2);
        if (field.equals("name")) {
            return instance.path("name").asText().equals(value);
        }
        if (field.startsWith("labels.")) {
            return instance.path("labels").path(field.substring(7)).asText("\u0000").equals(value);
        }
        return false;
    }

    // ---- operations --------------------------------------------------------------------------------------

    private ObjectNode newOperation(String project, String scope, String type, String target) {
        long id = ids.incrementAndGet();
        String name = "operation-" + System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 13)
                + "-" + Long.toHexString(id).substring(0, 8);
        ObjectNode op = JSON.createObjectNode().put("kind", "compute#operation").put("id", Long.toString(id))
                .put("name", name).put("operationType", type).put("targetLink", target)
                .put("targetId", Long.toString(id + 7)).put("status", "PENDING")
                .put("user", "provisioner@cp-test-project.iam.gserviceaccount.com").put("progress", 0)
                .put("insertTime", OffsetDateTime.now(ZoneOffset.ofHours(-8)).withNano(0).toString())
                .put("selfLink", self(project, scope + "/operations/" + name));
        if (scope.startsWith("zones/")) {
            op.put("zone", self(project, scope));
        }
        operations.put(name, op);
        return op;
    }

    private ResponseDefinitionBuilder operation(String project, String name, boolean finish) {
        ObjectNode op = operations.get(name);
        if (op == null) {
            return notFound(project, "operations/" + name);
        }
        if (finish && !op.get("status").asText().equals("DONE")) {
            op.put("status", "DONE").put("progress", 100)
                    .put("startTime", OffsetDateTime.now(ZoneOffset.ofHours(-8)).withNano(0).toString())
                    .put("endTime", OffsetDateTime.now(ZoneOffset.ofHours(-8)).withNano(0).toString());
            Runnable r = onDone.remove(name);
            if (r != null) {
                r.run();
            }
        }
        return json(200, op);
    }

    private static void fail(ObjectNode op, int status, String statusMessage, String code, String message) {
        op.put("httpErrorStatusCode", status).put("httpErrorMessage", statusMessage);
        op.putObject("error").putArray("errors").addObject().put("code", code).put("message", message);
    }

    // ---- firewalls / machine types -----------------------------------------------------------------------

    private ResponseDefinitionBuilder getFirewall(String project, String name) {
        ObjectNode f = firewalls.get(name);
        return f == null ? notFound(project, "global/firewalls/" + name) : json(200, f);
    }

    private ResponseDefinitionBuilder insertFirewall(String project, Map<String, List<String>> query, String body) {
        String requestId = first(query, "requestId");
        if (requestId != null && requestIds.containsKey(requestId)) {
            return json(200, operations.get(requestIds.get(requestId)));
        }
        ObjectNode f;
        try {
            f = (ObjectNode) JSON.readTree(body);
        } catch (Exception e) {
            return json(400, error(400, "Invalid JSON payload received.", "parseError", "INVALID_ARGUMENT"));
        }
        String name = f.path("name").asText();
        if (firewalls.containsKey(name)) {
            return json(409, error(409, "The resource 'projects/" + project + "/global/firewalls/" + name
                    + "' already exists", "alreadyExists", "ALREADY_EXISTS"));
        }
        String self = self(project, "global/firewalls/" + name);
        ObjectNode op = newOperation(project, "global", "insert", self);
        if (requestId != null) {
            requestIds.put(requestId, op.get("name").asText());
        }
        onDone.put(op.get("name").asText(), () -> {
            ObjectNode stored = f.deepCopy().put("kind", "compute#firewall").put("id",
                    Long.toString(ids.incrementAndGet())).put("selfLink", self).put("priority", 1000)
                    .put("disabled", false)
                    .put("creationTimestamp", OffsetDateTime.now(ZoneOffset.ofHours(-8)).withNano(0).toString());
            stored.put("network", self(project, f.path("network").asText()));
            firewalls.put(name, stored);
        });
        return json(200, op);
    }

    private ResponseDefinitionBuilder machineTypes(String op, String project, String zone,
            Map<String, List<String>> query) {
        ObjectNode out = JSON.createObjectNode().put("kind", "compute#machineTypeList")
                .put("id", "projects/" + project + "/zones/" + zone + "/machineTypes")
                .put("selfLink", self(project, "zones/" + zone + "/machineTypes"));
        List<Object[]> types = new ArrayList<>(List.of(new Object[][] {{"e2-standard-2", 2, 8192, 0},
                {"n2-standard-2", 2, 8192, 0}, {"n2d-standard-2", 2, 8192, 0}, {"c3-standard-4", 4, 16384, 0},
                {"a2-highgpu-1g", 12, 87040, 1}}));
        if (faults.isHostile(op, Hostile.GARBAGE_NUMBERS)) {
            types.add(0, new Object[] {"e2-garbage-cpu", -2, 8192, 0});
            types.add(1, new Object[] {"e2-garbage-mem", 2, 0, 0});
            types.add(2, new Object[] {"e2-garbage-gpu", 2, 8192, -1});
        }
        List<ObjectNode> all = new ArrayList<>();
        long id = 801016;
        for (Object[] t : types) {
            ObjectNode m = JSON.createObjectNode().put("kind", "compute#machineType").put("id", Long.toString(id++))
                    .put("name", (String) t[0]).put("description", t[1] + " vCPUs, " + t[2] + " MB RAM")
                    .put("guestCpus", (int) t[1]).put("memoryMb", (int) t[2]).put("maximumPersistentDisks", 128)
                    .put("maximumPersistentDisksSizeGb", "263168").put("zone", zone).put("isSharedCpu", false)
                    .put("selfLink", self(project, "zones/" + zone + "/machineTypes/" + t[0]));
            if ((int) t[3] != 0) {
                m.putArray("accelerators").addObject().put("guestAcceleratorType", "nvidia-tesla-a100")
                        .put("guestAcceleratorCount", (int) t[3]);
            }
            all.add(m);
        }
        Paged<ObjectNode> page = page(op, maybeTwice(op, all), query);
        if (page == null) {
            return badPageToken(query);
        }
        ArrayNode items = out.putArray("items");
        page.items().forEach(items::add);
        if (page.next() != null) {
            out.put("nextPageToken", page.next());
        }
        return json(200, out);
    }

    // ---- OAuth 2.0 token endpoint ------------------------------------------------------------------------

    private ResponseDefinitionBuilder token(String method, String body) {
        Map<String, List<String>> form = parseQuery(body);
        String grant = first(form, "grant_type");
        String assertion = first(form, "assertion");
        if (!method.equals("POST") || !"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grant)
                || assertion == null || assertion.split("\\.").length != 3) {
            violations.add("token request is not an RFC 7523 JWT bearer grant");
            return json(400, JSON.createObjectNode().put("error", "invalid_request"));
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]));
            if (!claims.path("scope").asText().contains("https://www.googleapis.com/auth/compute")
                    || !claims.path("aud").asText().equals(tokenUri())) {
                violations.add("token request asks for scope '" + claims.path("scope").asText() + "' at audience '"
                        + claims.path("aud").asText() + "'");
            }
        } catch (Exception e) {
            violations.add("token request assertion is not a JWT");
        }
        if (faults.next("oauth2.token").filter(f -> f == Fault.AUTH).isPresent()) {
            return json(400, JSON.createObjectNode().put("error", "invalid_grant")
                    .put("error_description", "Invalid JWT Signature."));
        }
        String token = "ya29.fake-" + UUID.randomUUID();
        synchronized (lock) {
            tokens.add(token);
        }
        return json(200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3599)
                .put("token_type", "Bearer"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private String self(String project, String relative) {
        if (relative.startsWith("https://")) {
            return relative;
        }
        if (relative.startsWith("projects/")) {
            return "https://www.googleapis.com/compute/v1/" + relative;
        }
        return "https://www.googleapis.com/compute/v1/projects/" + project + "/" + relative;
    }

    private static String lastSegment(String s) {
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private ResponseDefinitionBuilder notFound(String project, String resource) {
        return json(404, error(404, "The resource 'projects/" + project + "/" + resource + "' was not found",
                "notFound", "NOT_FOUND"));
    }

    private static ResponseDefinitionBuilder unauthenticated() {
        ObjectNode e = error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                + "login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", "authError",
                "UNAUTHENTICATED");
        ObjectNode first = (ObjectNode) e.get("error").get("errors").get(0);
        first.put("message", "Invalid Credentials").put("location", "Authorization").put("locationType", "header");
        return json(401, e).withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
    }

    /** Google's JSON error body. */
    static ObjectNode error(int code, String message, String reason, String status) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error").put("code", code).put("message", message);
        e.putArray("errors").addObject().put("message", message).put("domain",
                reason.equals("rateLimitExceeded") || reason.equals("quotaExceeded") ? "usageLimits" : "global")
                .put("reason", reason);
        e.put("status", status);
        return root;
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body.toString());
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}

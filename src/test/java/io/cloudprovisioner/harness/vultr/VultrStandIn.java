package io.cloudprovisioner.harness.vultr;

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
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.FaultPlan;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.StandIn;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vultr API v2 on 127.0.0.1 under /v2: one WireMock catch-all stub whose answer comes from a transformer dispatching
 * to a small stateful fake (instances pending → active/running/ok on the second read, deleted → 404; firewall groups
 * and rules; plans; SSH keys; cursor pagination in meta.links). Every request is validated against Vultr's published
 * OpenAPI description; faults answer in Vultr's {"error": ..., "status": ...} format, 429 with retry-after.
 */
public final class VultrStandIn implements StandIn {
    static final String NAME = "vultr-fake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INSTANCE = Pattern.compile("/v2/instances/([^/]+)");
    private static final Pattern RULES = Pattern.compile("/v2/firewalls/([^/]+)/rules");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    private final String token;
    private final WireMockServer server;
    private final VultrSpecValidator validator = new VultrSpecValidator();
    private final FaultPlan faults = new FaultPlan();
    private final Map<String, Integer> monthlyCosts = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<JsonNode> extraPlans = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, State> instances = new LinkedHashMap<>();
    private final Map<String, ObjectNode> groups = new LinkedHashMap<>();
    private final Map<String, List<JsonNode>> rules = new LinkedHashMap<>();
    private final List<ObjectNode> keys = new ArrayList<>();
    private final AtomicInteger ruleIds = new AtomicInteger();

    /** @param token the bearer API key requests must carry (anything else gets Vultr's 401) */
    public VultrStandIn(String token) {
        this.token = token;
        validator.validate("GET", "/v2/plans", Map.of(), Map.of("Authorization", "Bearer warm-up"), "");
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Fake()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v2";
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    @Override
    public List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    /** Calls of one operation, e.g. "instances.create". */
    public List<RecordedCall> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    @Override
    public List<String> specViolations() {
        return List.copyOf(violations);
    }

    @Override
    public synchronized int liveInstances() {
        return instances.size();
    }

    /** Sets an instance's power_status (e.g. "stopped") as if changed outside this service. */
    public synchronized void setPowerStatus(String id, String powerStatus) {
        instances.get(id).power = powerStatus;
    }

    @Override
    public synchronized void reset() {
        monthlyCosts.clear();
        extraPlans.clear();
        instances.clear();
        groups.clear();
        rules.clear();
        keys.clear();
        calls.clear();
        violations.clear();
        faults.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static final class State {
        String id;
        JsonNode create;
        String status = "pending";
        String power = "running";
        String server = "none";
        String created;
        int reads;
        int n;
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
            String path = uri.getRawPath();
            String method = r.getMethod().getName();
            Map<String, List<String>> query = query(uri.getRawQuery());
            String body = r.getBodyAsString() == null ? "" : r.getBodyAsString();
            String op = operation(method, path);
            calls.add(new RecordedCall(op, method, path, uri.getRawQuery() == null ? "" : uri.getRawQuery(), body));
            Map<String, String> headers = new LinkedHashMap<>();
            for (HttpHeader h : r.getHeaders().all()) {
                headers.put(h.key(), h.firstValue());
            }
            violations.addAll(validator.validate(method, path, query, headers, body));
            if (!("Bearer " + token).equals(r.getHeader("Authorization"))) {
                return error(401, "Invalid API token.").build();
            }
            Optional<Fault> fault = faults.next(op);
            long delay = 0;
            if (fault.isPresent()) {
                switch (fault.get()) {
                    case THROTTLE -> {
                        return error(429, "Rate limit reached - please try your request again later.")
                                .withHeader("retry-after", "1").build();
                    }
                    case SERVER_ERROR -> {
                        return error(503, "Service temporarily unavailable.").build();
                    }
                    case CAPACITY -> {
                        return error(400, "Plan is not available in the selected region.").build();
                    }
                    case QUOTA -> {
                        return error(400, "Server add failed: You have reached the maximum number of instances "
                                + "for your account.").build();
                    }
                    case AUTH -> {
                        return error(401, "Invalid API token.").build();
                    }
                    case SLOW -> delay = faults.slowDelayMillis();
                }
            }
            ResponseDefinitionBuilder out;
            synchronized (VultrStandIn.this) {
                out = dispatch(op, path, query, body);
            }
            return out.withFixedDelay((int) delay).build();
        }
    }

    static String operation(String method, String path) {
        if (path.equals("/v2/instances")) {
            return method.equals("POST") ? "instances.create" : "instances.list";
        }
        if (INSTANCE.matcher(path).matches()) {
            return method.equals("DELETE") ? "instances.delete" : "instances." + method.toLowerCase();
        }
        if (path.equals("/v2/firewalls")) {
            return method.equals("POST") ? "firewalls.create" : "firewalls.list";
        }
        if (RULES.matcher(path).matches()) {
            return method.equals("POST") ? "firewallRules.create" : "firewallRules.list";
        }
        if (path.equals("/v2/plans")) {
            return "plans.list";
        }
        if (path.equals("/v2/ssh-keys")) {
            return method.equals("POST") ? "sshKeys.create" : "sshKeys.list";
        }
        return method + " " + path;
    }

    private ResponseDefinitionBuilder dispatch(String op, String path, Map<String, List<String>> query, String body) {
        try {
            return switch (op) {
                case "instances.create" -> create(JSON.readTree(body));
                case "instances.get" -> withInstance(path, s -> {
                    s.reads++;
                    if (s.status.equals("pending") && s.reads >= 2) {
                        s.status = "active";
                        s.server = "ok";
                    }
                    ObjectNode o = JSON.createObjectNode();
                    o.set("instance", instance(s));
                    return ok(200, o);
                });
                case "instances.delete" -> withInstance(path, s -> {
                    instances.remove(s.id);
                    return ResponseDefinitionBuilder.responseDefinition().withStatus(204);
                });
                case "instances.list" -> {
                    String tag = first(query, "tag");
                    List<JsonNode> items = new ArrayList<>();
                    boolean foreign = faults.isHostile(op, Hostile.FOREIGN_UNDER_FILTER);
                    for (State s : instances.values()) {
                        if (tag == null || texts(s.create.path("tags")).contains(tag) || foreign) {
                            items.add(instance(s));
                        }
                    }
                    yield page(op, "instances", items, query);
                }
                case "firewalls.list" -> page(op, "firewall_groups", new ArrayList<>(groups.values()), query);
                case "firewalls.create" -> {
                    ObjectNode g = JSON.createObjectNode();
                    String id = UUID.randomUUID().toString();
                    String now = now();
                    g.put("id", id);
                    g.put("description", JSON.readTree(body).path("description").asText(""));
                    g.put("date_created", now);
                    g.put("date_modified", now);
                    g.put("instance_count", 0);
                    g.put("rule_count", 0);
                    g.put("max_rule_count", 50);
                    groups.put(id, g);
                    rules.put(id, new ArrayList<>());
                    ObjectNode o = JSON.createObjectNode();
                    o.set("firewall_group", g);
                    yield ok(201, o);
                }
                case "firewallRules.create" -> {
                    Matcher m = RULES.matcher(path);
                    m.matches();
                    ObjectNode g = groups.get(m.group(1));
                    if (g == null) {
                        yield error(404, "Invalid firewall group.");
                    }
                    ObjectNode rule = (ObjectNode) JSON.readTree(body);
                    rule.put("id", ruleIds.incrementAndGet());
                    rule.put("type", rule.path("ip_type").asText());
                    rule.put("action", "accept");
                    rules.get(m.group(1)).add(rule);
                    g.put("rule_count", rules.get(m.group(1)).size());
                    ObjectNode o = JSON.createObjectNode();
                    o.set("firewall_rule", rule);
                    yield ok(201, o);
                }
                case "plans.list" -> {
                    List<JsonNode> all = plans();
                    if (faults.isHostile(op, Hostile.GARBAGE_NUMBERS)) {
                        all.add(0, plan("vc2-garbage-cpu", -1, 1024, 25, 1024, 5, "vc2", List.of("ewr")));
                        all.add(1, plan("vc2-garbage-mem", 1, 0, 25, 1024, 5, "vc2", List.of("ewr")));
                        all.add(2, plan("vc2-garbage-price", 1, 1024, 25, 1024, -5, "vc2", List.of("ewr")));
                    }
                    yield page(op, "plans", all, query);
                }
                case "sshKeys.list" -> page(op, "ssh_keys", new ArrayList<>(keys), query);
                case "sshKeys.create" -> {
                    JsonNode in = JSON.readTree(body);
                    ObjectNode k = JSON.createObjectNode();
                    k.put("id", UUID.randomUUID().toString());
                    k.put("date_created", now());
                    k.put("name", in.path("name").asText());
                    k.put("ssh_key", in.path("ssh_key").asText());
                    keys.add(k);
                    ObjectNode o = JSON.createObjectNode();
                    o.set("ssh_key", k);
                    yield ok(201, o);
                }
                default -> error(404, "Not found");
            };
        } catch (Exception e) {
            return error(400, "Invalid JSON.");
        }
    }

    private ResponseDefinitionBuilder create(JsonNode in) {
        String plan = in.path("plan").asText("");
        if (in.path("region").asText("").isEmpty() || plan.isEmpty()) {
            return error(400, "Invalid region or plan.");
        }
        if (plans().stream().noneMatch(p -> p.path("id").asText().equals(plan))) {
            return error(400, "Invalid plan. Check plan and try again.");
        }
        State s = new State();
        s.id = UUID.randomUUID().toString();
        s.create = in;
        s.created = now();
        s.n = instances.size() + 10;
        instances.put(s.id, s);
        ObjectNode o = JSON.createObjectNode();
        ObjectNode i = instance(s);
        i.put("default_password", "v5{Fkvb#2ycPGwHs");
        o.set("instance", i);
        return ok(202, o);
    }

    private ObjectNode instance(State s) {
        JsonNode plan = plans().stream().filter(p -> p.path("id").asText().equals(s.create.path("plan").asText()))
                .findFirst().orElseThrow();
        boolean up = !s.status.equals("pending");
        ObjectNode o = JSON.createObjectNode();
        o.put("id", s.id);
        o.put("os", "Ubuntu 24.04 LTS x64");
        o.put("ram", plan.path("ram").asInt());
        o.put("disk", plan.path("disk").asInt());
        o.put("main_ip", up ? "192.0.2." + s.n : "0.0.0.0");
        o.put("vcpu_count", plan.path("vcpu_count").asInt());
        o.put("region", s.create.path("region").asText());
        o.put("plan", s.create.path("plan").asText());
        o.put("date_created", s.created);
        o.put("status", s.status);
        o.put("allowed_bandwidth", plan.path("bandwidth").asInt());
        o.put("netmask_v4", up ? "255.255.254.0" : "");
        o.put("gateway_v4", up ? "192.0.2.1" : "0.0.0.0");
        o.put("power_status", s.power);
        o.put("server_status", s.server);
        o.put("v6_network", "");
        o.put("v6_main_ip", "");
        o.put("v6_network_size", 0);
        o.put("label", s.create.path("label").asText(""));
        o.put("internal_ip", up ? "10.1.96." + s.n : "");
        o.put("kvm", "https://my.vultr.com/subs/vps/novnc/api.php?data=example");
        o.put("hostname", s.create.path("hostname").asText(""));
        o.put("os_id", s.create.path("os_id").asInt());
        o.put("app_id", 0);
        o.put("image_id", "");
        o.put("firewall_group_id", s.create.path("firewall_group_id").asText(""));
        o.putArray("features");
        ArrayNode tags = o.putArray("tags");
        s.create.path("tags").forEach(tags::add);
        return o;
    }

    /** Test hook (live prices): a plan's monthly_cost as served from now until {@link #reset()}. */
    public void monthlyCost(String plan, int usd) {
        monthlyCosts.put(plan, usd);
    }

    /** Test hook (live prices): an extra plan served from now until {@link #reset()}. */
    public void addPlan(String id, int vcpus, int ramMb, int monthly, String type, List<String> locations) {
        extraPlans.add(plan(id, vcpus, ramMb, 25, 1024, monthly, type, locations));
    }

    private List<JsonNode> plans() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : basePlans()) {
            Integer m = monthlyCosts.get(p.path("id").asText());
            out.add(m == null ? p : ((ObjectNode) p.deepCopy()).put("monthly_cost", m));
        }
        out.addAll(extraPlans);
        return out;
    }

    private static List<JsonNode> basePlans() {
        List<JsonNode> out = new ArrayList<>();
        out.add(plan("vc2-1c-1gb", 1, 1024, 25, 1024, 5, "vc2", List.of("ewr", "ams", "atl")));
        out.add(plan("vc2-2c-4gb", 2, 4096, 80, 3072, 20, "vc2", List.of("ewr", "ams")));
        out.add(plan("vhf-8c-32gb", 8, 32768, 512, 6144, 192, "vhf", List.of("sea")));
        return out;
    }

    private static ObjectNode plan(String id, int vcpus, int ram, int disk, int bw, int monthly, String type,
            List<String> locations) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", id);
        p.put("vcpu_count", vcpus);
        p.put("ram", ram);
        p.put("disk", disk);
        p.put("disk_count", 1);
        p.put("bandwidth", bw);
        p.put("monthly_cost", monthly);
        p.put("type", type);
        ArrayNode l = p.putArray("locations");
        locations.forEach(l::add);
        return p;
    }

    private ResponseDefinitionBuilder withInstance(String path,
            java.util.function.Function<State, ResponseDefinitionBuilder> f) {
        Matcher m = INSTANCE.matcher(path);
        State s = m.matches() ? instances.get(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)) : null;
        if (s == null) {
            return error(404, "Invalid instance-id.");
        }
        return f.apply(s);
    }

    /** Cursor pagination: the cursor is the base64 of the next offset. */
    private ResponseDefinitionBuilder page(String op, String key, List<? extends JsonNode> listed,
            Map<String, List<String>> q) {
        List<JsonNode> all = faults.maybeTwice(op, listed);
        int perPage = 100;
        try {
            perPage = Math.max(1, Integer.parseInt(Optional.ofNullable(first(q, "per_page")).orElse("100")));
        } catch (NumberFormatException ignored) {
            perPage = 100;
        }
        int from = 0;
        String cursor = first(q, "cursor");
        if (cursor != null && !cursor.isEmpty()) {
            from = Integer.parseInt(new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8));
        }
        int offset = from;
        from = Math.min(from, all.size());
        int to = Math.min(all.size(), from + perPage);
        ObjectNode o = JSON.createObjectNode();
        ArrayNode items = o.putArray(key);
        all.subList(from, to).forEach(items::add);
        ObjectNode meta = o.putObject("meta");
        meta.put("total", all.size());
        ObjectNode links = meta.putObject("links");
        if (faults.isHostile(op, Hostile.REPEAT_CURSOR)) {
            links.put("next", Base64.getEncoder().encodeToString("2".getBytes(StandardCharsets.UTF_8)));
        } else if (faults.isHostile(op, Hostile.ENDLESS_PAGES)) {
            links.put("next", Base64.getEncoder().encodeToString(Integer.toString(offset + perPage)
                    .getBytes(StandardCharsets.UTF_8)));
        } else {
            links.put("next", to < all.size() ? Base64.getEncoder().encodeToString(Integer.toString(to)
                    .getBytes(StandardCharsets.UTF_8)) : "");
        }
        links.put("prev", from > 0 ? Base64.getEncoder().encodeToString(Integer.toString(Math.max(0, from - perPage))
                .getBytes(StandardCharsets.UTF_8)) : "");
        return ok(200, o);
    }

    private static ResponseDefinitionBuilder ok(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body.toString());
    }

    private static ResponseDefinitionBuilder error(int status, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        o.put("status", status);
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(o.toString());
    }

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(TIME);
    }

    private static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}

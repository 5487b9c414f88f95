package io.cloudprovisioner.harness.digitalocean;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DigitalOcean API v2 on 127.0.0.1: one WireMock catch-all stub whose answer comes from a transformer dispatching
 * to a small stateful fake (droplets new → active on the second read, deleted → 404; firewalls; sizes; account
 * keys; pagination with links/meta; ratelimit-* headers on every answer). Every request is validated against
 * DigitalOcean's published OpenAPI description; faults answer in DigitalOcean's error format.
 */
public final class DigitalOceanStandIn implements StandIn {
    static final String NAME = "digitalocean-fake";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DROPLET = Pattern.compile("/v2/droplets/([^/]+)");

    private final String token;
    private final WireMockServer server;
    private final DigitalOceanSpecValidator validator = new DigitalOceanSpecValidator();
    private final FaultPlan faults = new FaultPlan();
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Runnable> arrivalProbes = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<Long, DropletState> droplets = new LinkedHashMap<>();
    private final List<ObjectNode> firewalls = new ArrayList<>();
    private final List<ObjectNode> keys = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(3164444);
    private final AtomicLong remaining = new AtomicLong(5000);
    private final List<List<String>> everCreated = new ArrayList<>();
    private final AtomicLong serviceNanos = new AtomicLong();
    private volatile String publicIpv4;

    /** @param token the bearer token requests must carry (anything else gets DigitalOcean's 401) */
    public DigitalOceanStandIn(String token) {
        this.token = token;
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Fake()));
        // Warm the validator up so the first real request is answered well within the client's read timeout.
        validator.validate("GET", "/v2/sizes", Map.of(), Map.of("Authorization", "Bearer warm-up"), "");
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public FaultPlan faults() {
        return faults;
    }

    @Override
    public List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    /** Calls of one operation, e.g. "droplets.create". */
    public List<RecordedCall> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    @Override
    public List<String> specViolations() {
        return List.copyOf(violations);
    }

    @Override
    public synchronized int liveInstances() {
        return droplets.size();
    }

    /**
     * Total time spent answering requests inside the stand-in's transformer (recording, spec validation, state,
     * building the answer), in nanoseconds, since construction; never reset. The benchmark subtracts its increase
     * from end-to-end latency. Jetty / WireMock request matching outside the transformer is not included.
     */
    public long serviceNanos() {
        return serviceNanos.get();
    }

    /**
     * Every droplet's public IPv4 from now on (kept across {@link #reset()}), e.g. 127.0.0.1 so that deployment tests
     * reach a local sshd as "the droplet"; null = the documentation range 203.0.113.x (the default).
     */
    public void publicIpv4(String ip) {
        publicIpv4 = ip;
    }

    /** Creates a droplet as if someone (or an earlier, forgotten call) made it outside this service; its id. */
    public synchronized long plant(String name, String region, String size, List<String> tags, Instant created) {
        DropletState d = new DropletState();
        d.id = ids.incrementAndGet();
        d.name = name;
        d.region = region;
        d.size = size;
        d.image = JSON.createObjectNode().put("slug", "ubuntu-24-04-x64");
        d.tags.addAll(tags);
        d.status = "active";
        d.created = created.truncatedTo(ChronoUnit.SECONDS);
        droplets.put(d.id, d);
        return d.id;
    }

    /** The tags of every droplet ever created through the API (deleted ones too), in order. */
    public synchronized List<List<String>> everCreatedTags() {
        return List.copyOf(everCreated);
    }

    /** Deletes a droplet behind this service's back. */
    public synchronized void remove(long id) {
        droplets.remove(id);
    }

    /** The tags of every live droplet (one list per droplet). */
    public synchronized List<List<String>> liveTags() {
        return droplets.values().stream().map(d -> List.copyOf(d.tags)).toList();
    }

    /** Puts a droplet in a given status (e.g. "off") as if changed outside this service. */
    public synchronized void setStatus(long id, String status) {
        droplets.get(id).status = status;
    }

    /**
     * Destroys take effect late, as DigitalOcean's own do (the 204 only says the destroy was accepted; an action
     * then removes the droplet): a destroyed droplet is still read (unchanged) {@code reads} more times by
     * droplets.get before it is 404. 0 (the default after {@link #reset}) = gone at once.
     */
    public synchronized void destroyLag(int reads) {
        destroyLag = reads;
    }

    /**
     * Runs {@code probe} when a request of operation {@code op} arrives, before the stand-in acts on it (tests that
     * check what the service had done by then, e.g. recorded its intent); null removes it. Cleared by reset.
     */
    public void onArrival(String op, Runnable probe) {
        if (probe == null) {
            arrivalProbes.remove(op);
        } else {
            arrivalProbes.put(op, probe);
        }
    }

    @Override
    public synchronized void reset() {
        arrivalProbes.clear();
        destroyLag = 0;
        droplets.clear();
        everCreated.clear();
        firewalls.clear();
        keys.clear();
        calls.clear();
        violations.clear();
        faults.clear();
        remaining.set(5000);
        listing.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    private int destroyLag;

    private static final class DropletState {
        long id;
        String name;
        String region;
        String size;
        JsonNode image;
        List<String> tags = new ArrayList<>();
        String status = "new";
        Instant created;
        int reads;
        /** Reads left before a destroyed droplet is gone; -1 while not being destroyed. */
        int readsUntilGone = -1;
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
            long t0 = System.nanoTime();
            try {
                return answer(event);
            } finally {
                serviceNanos.addAndGet(System.nanoTime() - t0);
            }
        }

        private ResponseDefinition answer(ServeEvent event) {
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
                return error(401, "unauthorized", "Unable to authenticate you.").build();
            }
            Runnable probe = arrivalProbes.get(op);
            if (probe != null) {
                probe.run();
            }
            Optional<Fault> fault = faults.next(op);
            long delay = 0;
            if (fault.isPresent()) {
                switch (fault.get()) {
                    case THROTTLE -> {
                        long reset = Instant.now().getEpochSecond() + 1;
                        return ResponseDefinitionBuilder.responseDefinition().withStatus(429)
                                .withHeader("Content-Type", "application/json")
                                .withHeader("ratelimit-limit", "5000").withHeader("ratelimit-remaining", "0")
                                .withHeader("ratelimit-reset", Long.toString(reset)).withHeader("retry-after", "1")
                                .withBody("{\"id\":\"too_many_requests\",\"message\":\"API rate limit exceeded.\"}")
                                .build();
                    }
                    case SERVER_ERROR -> {
                        return error(500, "server_error", "Unexpected server-side error").build();
                    }
                    case LOST_RESPONSE -> {
                        if (op.equals("droplets.create")) {
                            synchronized (DigitalOceanStandIn.this) {
                                dispatch(op, path, query, body);
                            }
                        }
                        return error(503, "service_unavailable", "The service is temporarily unavailable").build();
                    }
                    case CAPACITY -> {
                        return error(422, "unprocessable_entity", "Size is not available in this region.").build();
                    }
                    case QUOTA -> {
                        return error(422, "unprocessable_entity",
                                "creating this/these droplet(s) will exceed your droplet limit").build();
                    }
                    case AUTH -> {
                        return error(401, "unauthorized", "Unable to authenticate you.").build();
                    }
                    case SLOW -> delay = faults.slowDelayMillis();
                }
            }
            ResponseDefinitionBuilder out;
            synchronized (DigitalOceanStandIn.this) {
                out = dispatch(op, path, query, body);
            }
            return out.withFixedDelay((int) delay).build();
        }
    }

    static String operation(String method, String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/v2/droplets")) {
            return method.equals("POST") ? "droplets.create" : method.equals("GET") ? "droplets.list"
                    : "droplets." + method.toLowerCase();
        }
        if (DROPLET.matcher(p).matches()) {
            return method.equals("DELETE") ? "droplets.delete" : "droplets." + method.toLowerCase();
        }
        if (p.equals("/v2/firewalls")) {
            return method.equals("POST") ? "firewalls.create" : "firewalls.list";
        }
        if (p.equals("/v2/sizes")) {
            return "sizes.list";
        }
        if (p.equals("/v2/account/keys")) {
            return method.equals("POST") ? "keys.create" : "keys.list";
        }
        return method + " " + p;
    }

    private ResponseDefinitionBuilder dispatch(String op, String path, Map<String, List<String>> query, String body) {
        try {
            return switch (op) {
                case "droplets.create" -> createDroplet(JSON.readTree(body));
                case "droplets.get" -> withDroplet(path, d -> {
                    if (d.readsUntilGone == 0) {
                        droplets.remove(d.id);
                        return error(404, "not_found", "The resource you were accessing could not be found.");
                    }
                    if (d.readsUntilGone > 0) {
                        d.readsUntilGone--;
                    }
                    d.reads++;
                    if (d.status.equals("new") && d.reads >= 2) {
                        d.status = "active";
                    }
                    ObjectNode o = JSON.createObjectNode();
                    o.set("droplet", droplet(d));
                    return ok(200, o);
                });
                case "droplets.delete" -> withDroplet(path, d -> {
                    if (destroyLag <= 0) {
                        droplets.remove(d.id);
                    } else if (d.readsUntilGone < 0) {
                        d.readsUntilGone = destroyLag;
                    }
                    return rateLimited(ResponseDefinitionBuilder.responseDefinition().withStatus(204));
                });
                case "droplets.list" -> {
                    String tag = first(query, "tag_name");
                    List<JsonNode> items = new ArrayList<>();
                    boolean foreign = faults.isHostile(op, Hostile.FOREIGN_UNDER_FILTER);
                    for (DropletState d : droplets.values()) {
                        if (tag == null || d.tags.contains(tag) || foreign) {
                            items.add(droplet(d));
                        }
                    }
                    yield page(op, "droplets", "/v2/droplets", items, query);
                }
                case "firewalls.list" -> page(op, "firewalls", "/v2/firewalls", new ArrayList<>(firewalls), query);
                case "firewalls.create" -> {
                    ObjectNode f = (ObjectNode) JSON.readTree(body);
                    f.put("id", UUID.randomUUID().toString());
                    f.put("status", "succeeded");
                    f.put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                    f.putArray("pending_changes");
                    if (!f.has("droplet_ids")) {
                        f.putArray("droplet_ids");
                    }
                    firewalls.add(f);
                    ObjectNode o = JSON.createObjectNode();
                    o.set("firewall", f);
                    yield ok(202, o);
                }
                case "sizes.list" -> {
                    List<ObjectNode> all = sizes();
                    if (faults.isHostile(op, Hostile.GARBAGE_NUMBERS)) {
                        all.add(0, size("s-garbage-cpu", 1024, -4, 25, 6.0, 0.009, true, List.of("nyc3"), 0));
                        all.add(1, size("s-garbage-mem", 0, 2, 25, 6.0, 0.009, true, List.of("nyc3"), 0));
                        all.add(2, size("s-garbage-price", 2048, 2, 25, -6.0, -0.009, true, List.of("nyc3"), 0));
                    }
                    yield page(op, "sizes", "/v2/sizes", all, query);
                }
                case "keys.list" -> page(op, "ssh_keys", "/v2/account/keys", new ArrayList<>(keys), query);
                case "keys.create" -> {
                    JsonNode in = JSON.readTree(body);
                    ObjectNode k = JSON.createObjectNode();
                    k.put("id", ids.incrementAndGet());
                    k.put("fingerprint", "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:" + (keys.size() + 10));
                    k.put("public_key", in.path("public_key").asText());
                    k.put("name", in.path("name").asText());
                    keys.add(k);
                    ObjectNode o = JSON.createObjectNode();
                    o.set("ssh_key", k);
                    yield ok(201, o);
                }
                default -> error(404, "not_found", "The resource you were accessing could not be found.");
            };
        } catch (Exception e) {
            return error(400, "bad_request", "could not parse the request body");
        }
    }

    private ResponseDefinitionBuilder createDroplet(JsonNode in) {
        String region = in.path("region").asText("");
        String size = in.path("size").asText("");
        if (region.isEmpty() || size.isEmpty() || in.path("name").asText("").isEmpty()) {
            return error(422, "unprocessable_entity", "name, region and size are required");
        }
        if (sizes().stream().noneMatch(s -> s.path("slug").asText().equals(size))) {
            return error(422, "unprocessable_entity", "You specified an invalid size for Droplet creation.");
        }
        DropletState d = new DropletState();
        d.id = ids.incrementAndGet();
        d.name = in.path("name").asText();
        d.region = region;
        d.size = size;
        d.image = in.path("image");
        in.path("tags").forEach(t -> d.tags.add(t.asText()));
        d.created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        droplets.put(d.id, d);
        everCreated.add(List.copyOf(d.tags));
        ObjectNode o = JSON.createObjectNode();
        o.set("droplet", droplet(d));
        ObjectNode links = o.putObject("links");
        links.putArray("actions").addObject().put("id", d.id + 7000).put("rel", "create")
                .put("href", "https://api.digitalocean.com/v2/actions/" + (d.id + 7000));
        return ok(202, o);
    }

    private ResponseDefinitionBuilder withDroplet(String path, java.util.function.Function<DropletState,
            ResponseDefinitionBuilder> f) {
        Matcher m = DROPLET.matcher(path);
        DropletState d = null;
        if (m.matches()) {
            try {
                d = droplets.get(Long.parseLong(m.group(1)));
            } catch (NumberFormatException ignored) {
                d = null;
            }
        }
        if (d == null) {
            return error(404, "not_found", "The resource you were accessing could not be found.");
        }
        return f.apply(d);
    }

    private ObjectNode droplet(DropletState d) {
        ObjectNode size = sizes().stream().filter(s -> s.path("slug").asText().equals(d.size)).findFirst()
                .orElseThrow();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", d.id);
        o.put("name", d.name);
        o.put("memory", size.path("memory").asInt());
        o.put("vcpus", size.path("vcpus").asInt());
        o.put("disk", size.path("disk").asInt());
        o.put("locked", false);
        o.put("status", d.status);
        o.putNull("kernel");
        o.put("created_at", d.created.toString());
        o.putArray("features").add("monitoring");
        o.putArray("backup_ids");
        o.putNull("next_backup_window");
        o.putArray("snapshot_ids");
        ObjectNode image = o.putObject("image");
        image.put("id", 63663980);
        image.put("name", "24.04 (LTS) x64");
        image.put("distribution", "Ubuntu");
        image.put("slug", d.image.isTextual() ? d.image.asText() : "ubuntu-24-04-x64");
        image.put("public", true);
        o.putArray("volume_ids");
        o.set("size", size);
        o.put("size_slug", d.size);
        ObjectNode networks = o.putObject("networks");
        ArrayNode v4 = networks.putArray("v4");
        networks.putArray("v6");
        if (!d.status.equals("new")) {
            String ip = publicIpv4;
            v4.addObject().put("ip_address", ip != null ? ip : "203.0.113." + (d.id % 200 + 1))
                    .put("netmask", "255.255.240.0")
                    .put("gateway", "203.0.113.1").put("type", "public");
            v4.addObject().put("ip_address", "10.128.0." + (d.id % 200 + 1)).put("netmask", "255.255.0.0")
                    .put("gateway", "10.128.0.1").put("type", "private");
        }
        ObjectNode region = o.putObject("region");
        region.put("name", d.region.toUpperCase());
        region.put("slug", d.region);
        region.putArray("features").add("backups").add("ipv6").add("metadata");
        region.put("available", true);
        region.putArray("sizes").add(d.size);
        ArrayNode tags = o.putArray("tags");
        d.tags.forEach(tags::add);
        o.put("vpc_uuid", "760e09ef-dc84-11e8-981e-3cfdfeaae000");
        return o;
    }

    private List<ObjectNode> sizes() {
        return listing.apply(sizesStatic());
    }

    /** Sizes a test lists in addition to (or in place of) the recorded ones, and slugs it withdraws. */
    private final SizeListing listing = new SizeListing();

    /**
     * Lists a size in /v2/sizes from now on (until {@link #reset()}), replacing a recorded size of the same slug: a
     * new size, or a price or region change of a known one. GPU sizes get the recorded H100 gpu_info.
     */
    public void listSize(String slug, int memoryMib, int vcpus, int diskGib, double monthly, double hourly,
            boolean available, List<String> regions, int gpus) {
        listing.put(size(slug, memoryMib, vcpus, diskGib, monthly, hourly, available, regions, gpus));
    }

    /** Stops listing {@code slug} in /v2/sizes (until {@link #reset()}), as when DigitalOcean retires a size. */
    public void withdrawSize(String slug) {
        listing.withdraw(slug);
    }

    private static List<ObjectNode> sizesStatic() {
        List<ObjectNode> out = new ArrayList<>();
        out.add(size("s-1vcpu-1gb", 1024, 1, 25, 6.0, 0.00893, true, List.of("nyc3", "ams3", "fra1"), 0));
        out.add(size("s-2vcpu-4gb", 4096, 2, 80, 24.0, 0.03571, true, List.of("nyc3", "fra1"), 0));
        out.add(size("s-4vcpu-8gb", 8192, 4, 160, 48.0, 0.07143, false, List.of("nyc3"), 0));
        out.add(size("gpu-h100x1-80gb", 245760, 20, 720, 2522.16, 3.39, true, List.of("tor1"), 1));
        out.add(size("c-2", 4096, 2, 25, 42.0, 0.0625, true, List.of("ams3", "nyc3"), 0));
        return out;
    }

    private static ObjectNode size(String slug, int mem, int vcpus, int disk, double monthly, double hourly,
            boolean available, List<String> regions, int gpus) {
        ObjectNode s = JSON.createObjectNode();
        s.put("slug", slug);
        s.put("memory", mem);
        s.put("vcpus", vcpus);
        s.put("disk", disk);
        s.put("transfer", 1.0);
        s.put("price_monthly", monthly);
        s.put("price_hourly", hourly);
        ArrayNode rs = s.putArray("regions");
        regions.forEach(rs::add);
        s.put("available", available);
        s.put("description", gpus > 0 ? "GPU" : "Basic");
        if (gpus > 0) {
            s.putObject("gpu_info").put("count", gpus).put("model", "nvidia_h100").putObject("vram")
                    .put("amount", 80).put("unit", "gib");
        }
        return s;
    }

    private ResponseDefinitionBuilder page(String op, String key, String path, List<? extends JsonNode> listed,
            Map<String, List<String>> query) {
        List<JsonNode> all = faults.maybeTwice(op, listed);
        int perPage = intParam(query, "per_page", 20);
        int page = intParam(query, "page", 1);
        int from = Math.min(all.size(), (page - 1) * perPage);
        int to = Math.min(all.size(), from + perPage);
        ObjectNode o = JSON.createObjectNode();
        ArrayNode items = o.putArray(key);
        all.subList(from, to).forEach(items::add);
        ObjectNode pages = o.putObject("links").putObject("pages");
        String base = "https://api.digitalocean.com" + path + "?per_page=" + perPage + "&page=";
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        if (page > 1) {
            pages.put("first", base + 1);
            pages.put("prev", base + (page - 1));
        }
        if (faults.isHostile(op, Hostile.REPEAT_CURSOR)) {
            pages.put("next", base + 2);
        } else if (faults.isHostile(op, Hostile.ENDLESS_PAGES)) {
            pages.put("next", base + (page + 1));
        } else if (page < last) {
            pages.put("next", base + (page + 1));
            pages.put("last", base + last);
        }
        o.putObject("meta").put("total", all.size());
        return ok(200, o);
    }

    private ResponseDefinitionBuilder ok(int status, JsonNode body) {
        return rateLimited(ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body.toString()));
    }

    private ResponseDefinitionBuilder error(int status, String id, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("message", message);
        o.put("request_id", UUID.randomUUID().toString());
        return rateLimited(ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(o.toString()));
    }

    private ResponseDefinitionBuilder rateLimited(ResponseDefinitionBuilder b) {
        return b.withHeader("ratelimit-limit", "5000")
                .withHeader("ratelimit-remaining", Long.toString(Math.max(1, remaining.decrementAndGet())))
                .withHeader("ratelimit-reset", Long.toString(Instant.now().getEpochSecond() + 60));
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

    private static int intParam(Map<String, List<String>> q, String name, int dflt) {
        try {
            String v = first(q, name);
            return v == null ? dflt : Math.max(1, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}

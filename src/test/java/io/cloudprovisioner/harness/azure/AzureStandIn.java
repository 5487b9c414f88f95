package io.cloudprovisioner.harness.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cloudprovisioner.harness.Fault;
import io.cloudprovisioner.harness.FaultPlan;
import io.cloudprovisioner.harness.Hostile;
import io.cloudprovisioner.harness.StandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure Resource Manager and the Entra ID token endpoint on https://127.0.0.1 (dynamic port, a self-signed
 * certificate made at start and offered as a trust store). One catch-all WireMock stub; the response comes from a
 * global {@link ResponseDefinitionTransformerV2} that dispatches to a small stateful fake of ARM: resource groups,
 * virtual networks, network security groups, public IPs, NICs, VMs (+ instanceView), disks, VM sizes, and the
 * async-operation status resources of long-running operations (PUT VM answers 201 Creating with
 * Azure-AsyncOperation; the operation is InProgress, then Succeeded or Failed). Faults come from the
 * {@link FaultPlan} per ARM operation id ("virtualMachines.createOrUpdate", ...) in ARM's error format; a CAPACITY
 * fault queued on "virtualMachines.createOrUpdate#lro" makes the operation itself end Failed with AllocationFailed.
 * Every ARM request is validated against the copied REST API description ({@link AzureSpecValidator}).
 */
public final class AzureStandIn implements StandIn {
    public static final String TENANT = "00000000-0000-0000-0000-00000000aaaa";
    public static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000bbbb";
    public static final String STORE_PASSWORD = "standin-store";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
    private static final Pattern RG = Pattern.compile("(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)");
    private static final Pattern RESOURCE = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/(microsoft\\.(?:network|compute))/([^/]+)/([^/]+)(/instanceview)?");
    private static final Pattern LIST_ALL_VMS = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/providers/microsoft\\.compute/virtualmachines");
    private static final Pattern LIST_RG_VMS = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.compute/virtualmachines");
    private static final Pattern VM_SIZES = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/providers/microsoft\\.compute/locations/([^/]+)/vmsizes");
    private static final Pattern OPERATION = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/providers/(microsoft\\.(?:network|compute))/locations/([^/]+)/(operations|operationresults)/([^/]+)");
    private static final Pattern TOKEN = Pattern.compile("(?i)/([^/]+)/oauth2/v2\\.0/token");
    private static final Pattern OIDC = Pattern.compile("(?i)/([^/]+)/v2\\.0/\\.well-known/openid-configuration");

    private final WireMockServer server;
    private final Path dir;
    private final Path trustStore;
    private final FaultPlan faults = new FaultPlan();
    private final AzureSpecValidator validator = new AzureSpecValidator();
    private final List<RecordedCall> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> tokenRequests = Collections.synchronizedList(new ArrayList<>());
    private final Object lock = new Object();
    /** Resources by lower-case "type/resourceGroup/name". */
    private final Map<String, ObjectNode> resources = new LinkedHashMap<>();
    private final Map<String, Op> operations = new HashMap<>();
    /** Instance-view reads per VM key: the power state moves starting → running on later reads. */
    private final Map<String, Integer> vmReads = new HashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    /** Polls an operation stays InProgress before it completes. */
    private volatile int operationPolls = 1;

    /** A long-running operation: InProgress for {@code pending} polls, then done (or failed). */
    private static final class Op {
        int pending;
        String failCode;
        String failMessage;
        Runnable onSuccess;
        Runnable onFailure;
        boolean done;
        boolean failed;
    }

    public AzureStandIn() {
        try {
            dir = Files.createTempDirectory("azure-standin");
            Path keyStore = dir.resolve("standin.p12");
            Path cert = dir.resolve("standin.cer");
            trustStore = dir.resolve("trust.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(keytool, "-genkeypair", "-alias", "standin", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
            run(keytool, "-exportcert", "-alias", "standin", "-keystore", keyStore.toString(), "-storepass",
                    STORE_PASSWORD, "-file", cert.toString());
            run(keytool, "-importcert", "-noprompt", "-alias", "standin", "-file", cert.toString(), "-storetype",
                    "PKCS12", "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
            server = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).httpsPort(0)
                    .keystorePath(keyStore.toString()).keystorePassword(STORE_PASSWORD)
                    .keyManagerPassword(STORE_PASSWORD).keystoreType("PKCS12").containerThreads(24)
                    .extensions(new Arm()));
            server.start();
            server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public String baseUrl() {
        return "https://127.0.0.1:" + server.httpsPort();
    }

    /** PKCS#12 trust store holding the stand-in's certificate (password {@link #STORE_PASSWORD}). */
    public Path trustStore() {
        return trustStore;
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

    /** Calls of one operation, in order. */
    public List<RecordedCall> calls(String operation) {
        return calls().stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** Form bodies of the token requests received (for secret-leak checks). */
    public List<String> tokenRequests() {
        synchronized (tokenRequests) {
            return List.copyOf(tokenRequests);
        }
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
            return (int) resources.keySet().stream().filter(k -> k.startsWith("virtualmachines/")).count();
        }
    }

    /** Resource keys ("type/rg/name", lower case) currently held. */
    public List<String> liveResources() {
        synchronized (lock) {
            return List.copyOf(resources.keySet());
        }
    }

    /** The stored resource, as ARM would return it (without computed fields). */
    public Optional<JsonNode> resource(String type, String rg, String name) {
        synchronized (lock) {
            return Optional.ofNullable(resources.get(key(type, rg, name))).map(JsonNode::deepCopy);
        }
    }

    /** Sets a VM's power state word (e.g. "deallocated") as if it changed in the cloud. */
    public void setPowerState(String rg, String vm, String word) {
        synchronized (lock) {
            ObjectNode n = resources.get(key("virtualMachines", rg, vm));
            if (n != null) {
                n.put("_power", word);
            }
        }
    }

    public void operationPolls(int polls) {
        this.operationPolls = polls;
    }

    @Override
    public void reset() {
        synchronized (lock) {
            resources.clear();
            operations.clear();
            vmReads.clear();
        }
        calls.clear();
        violations.clear();
        tokenRequests.clear();
        faults.clear();
        faults.slowDelayMillis(1500);
        operationPolls = 1;
    }

    @Override
    public void close() {
        server.stop();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // temp files only
        }
    }

    private static String key(String type, String rg, String name) {
        return (type + "/" + rg + "/" + name).toLowerCase(Locale.ROOT);
    }

    // ---- dispatch ----------------------------------------------------------------------------------------------

    private final class Arm implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "azure-arm-fake";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            return handle(event.getRequest());
        }
    }

    /** An answer before it becomes a WireMock response. */
    private record Answer(int status, Map<String, String> headers, String body) {
        static Answer json(int status, JsonNode body) {
            return new Answer(status, Map.of("Content-Type", "application/json; charset=utf-8"), body.toString());
        }

        static Answer empty(int status) {
            return new Answer(status, Map.of(), "");
        }

        Answer with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(header, value);
            return new Answer(status, h, body);
        }
    }

    ResponseDefinition handle(LoggedRequest req) {
        String url = req.getUrl();
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        String query = q < 0 ? "" : url.substring(q + 1);
        Map<String, String> params = parseQuery(query);
        String method = req.getMethod().getName();
        String body = req.getBodyAsString() == null ? "" : req.getBodyAsString();
        String op = operationName(method, path);
        calls.add(new RecordedCall(op, method, path, query, op.equals("token") ? "" : body));
        Answer a;
        try {
            a = answer(op, method, path, params, req, body);
        } catch (RuntimeException e) {
            violations.add(method + " " + path + ": stand-in failure " + e);
            a = armError(500, "InternalServerError", "stand-in failure: " + e.getClass().getSimpleName());
        }
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(a.status())
                .withHeader("x-ms-request-id", UUID.randomUUID().toString());
        a.headers().forEach(b::withHeader);
        if (!a.body().isEmpty()) {
            b.withBody(a.body());
        }
        return b.build();
    }

    private Answer answer(String op, String method, String path, Map<String, String> params, LoggedRequest req,
            String body) {
        Matcher m;
        if ((m = OIDC.matcher(path)).matches() && method.equals("GET")) {
            return Answer.json(200, oidcDocument(m.group(1)));
        }
        if ((m = TOKEN.matcher(path)).matches() && method.equals("POST")) {
            tokenRequests.add(body);
            Optional<Fault> f = faults.next("token");
            if (f.isPresent() && f.get() == Fault.AUTH) {
                ObjectNode e = JSON.createObjectNode().put("error", "invalid_client").put("error_description",
                        "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
                                + "is the client secret value, not the client secret ID.");
                e.putArray("error_codes").add(7000215);
                return Answer.json(401, e);
            }
            if (!body.contains("grant_type=client_credentials")) {
                violations.add("token request without grant_type=client_credentials");
            }
            return Answer.json(200, JSON.createObjectNode().put("token_type", "Bearer").put("expires_in", 3599)
                    .put("ext_expires_in", 3599).put("access_token", "standin-access-token-"
                            + counter.incrementAndGet()));
        }
        if (path.toLowerCase(Locale.ROOT).contains("/discovery/instance")) {
            violations.add("instance discovery was called although it is disabled: " + path);
            return Answer.json(400, JSON.createObjectNode().put("error", "invalid_instance"));
        }
        // ---- ARM ----
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer standin-access-token-")) {
            violations.add(method + " " + path + ": no bearer token from the stand-in's token endpoint");
            return armError(401, "InvalidAuthenticationToken", "The access token is missing or invalid.");
        }
        String apiVersion = params.get("api-version");
        if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
            violations.add(method + " " + path + ": api-version missing or malformed: " + apiVersion);
            return armError(400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : req.getAllHeaderKeys()) {
            if (h.equalsIgnoreCase("Content-Type") || h.equalsIgnoreCase("Authorization")
                    || h.equalsIgnoreCase("Accept")) {
                headers.put(h, req.getHeader(h));
            }
        }
        // A nextLink is the server's own opaque URL: its $skiptoken (which the stand-in's hostile listings hand out,
        // as ARM does) is not a parameter the published operation declares.
        Map<String, String> declared = new LinkedHashMap<>(params);
        declared.remove("$skiptoken");
        violations.addAll(validator.validate(method, path, declared, headers, body));

        Optional<Fault> fault = faults.next(op);
        if (fault.isPresent()) {
            Fault f = fault.get();
            if (f == Fault.SLOW) {
                sleepQuietly(faults.slowDelayMillis());
            } else {
                return faultAnswer(f, op);
            }
        }
        synchronized (lock) {
            return dispatch(op, method, path, params, body);
        }
    }

    private Answer faultAnswer(Fault f, String op) {
        return switch (f) {
            case THROTTLE -> armError(429, "TooManyRequests",
                    "The request is being throttled as the limit has been reached for operation type - "
                            + op + ".").with("Retry-After", "1");
            case SERVER_ERROR, LOST_RESPONSE -> counter.incrementAndGet() % 2 == 0
                    ? armError(503, "ServiceUnavailable", "The service is temporarily unavailable.")
                    : armError(500, "InternalServerError", "An internal server error occurred.");
            case CAPACITY -> armError(409, "SkuNotAvailable", "The requested VM size for resource "
                    + "'Following SKUs have failed for Capacity Restrictions: Standard_D2s_v5' is currently not "
                    + "available in location 'eastus'. Please try another size or deploy to a different location.");
            case QUOTA -> armError(409, "OperationNotAllowed", "Operation could not be completed as it results in "
                    + "exceeding approved Total Regional Cores quota. Location: eastus, Current Limit: 10, "
                    + "Current Usage: 10, Additional Required: 2.");
            case AUTH -> armError(401, "InvalidAuthenticationToken", "The access token is invalid.")
                    .with("WWW-Authenticate", "Bearer authorization_uri=\"" + baseUrl() + "/" + TENANT
                            + "\", error=\"invalid_token\", error_description=\"The access token is invalid.\"");
            case SLOW -> throw new IllegalStateException("handled above");
        };
    }

    static String operationName(String method, String path) {
        Matcher m;
        if (TOKEN.matcher(path).matches()) {
            return "token";
        }
        if (OIDC.matcher(path).matches()) {
            return "openid-configuration";
        }
        if (OPERATION.matcher(path).matches()) {
            return "operations.get";
        }
        if (VM_SIZES.matcher(path).matches()) {
            return "virtualMachineSizes.list";
        }
        if (LIST_ALL_VMS.matcher(path).matches()) {
            return "virtualMachines.listAll";
        }
        if (LIST_RG_VMS.matcher(path).matches()) {
            return "virtualMachines.list";
        }
        if ((m = RESOURCE.matcher(path)).matches()) {
            String type = canonicalType(m.group(4));
            if (m.group(6) != null) {
                return type + ".instanceView";
            }
            return type + "." + verb(method);
        }
        if (RG.matcher(path).matches()) {
            return "resourceGroups." + verb(method);
        }
        return method + " " + path;
    }

    /**
     * A listing's answer in the hostile modes set for it: a nextLink (the same list with a {@code $skiptoken}) that
     * repeats, never ends or answers 404 on the next page, and a foreign entry (another subscription's VM, tagged
     * managed) on the first page. Without a mode the answer is {@code page} as it is.
     */
    private Answer hostileList(String op, String path, Map<String, String> params, ObjectNode page) {
        String token = params.get("$skiptoken");
        ArrayNode value = (ArrayNode) page.get("value");
        if (token != null) {
            if (faults.isHostile(op, Hostile.BROKEN_NEXT_LINK)) {
                return armError(404, "NotFound", "The continuation token is no longer valid.");
            }
            value.removeAll();
        } else if (faults.isHostile(op, Hostile.FOREIGN_ID) && value.size() > 0) {
            ObjectNode foreign = value.get(0).deepCopy();
            String id = foreign.path("id").asText().replace(SUBSCRIPTION, "99999999-0000-0000-0000-00000000ffff")
                    .replaceAll("/[^/]+$", "/cp-foreign-vm");
            foreign.put("id", id).put("name", "cp-foreign-vm");
            value.add(foreign);
        }
        int n = token == null ? 0 : Integer.parseInt(token);
        String next = faults.isHostile(op, Hostile.REPEAT_CURSOR) ? "1"
                : faults.isHostile(op, Hostile.ENDLESS_PAGES) ? Integer.toString(n + 1)
                : faults.isHostile(op, Hostile.BROKEN_NEXT_LINK) && token == null ? "1" : null;
        if (next != null) {
            page.put("nextLink", baseUrl() + path + "?api-version=" + params.get("api-version")
                    + (params.containsKey("statusOnly") ? "&statusOnly=" + params.get("statusOnly") : "")
                    + "&$skiptoken=" + next);
        }
        return Answer.json(200, page);
    }

    private static String verb(String method) {
        return switch (method) {
            case "PUT" -> "createOrUpdate";
            case "GET" -> "get";
            case "DELETE" -> "delete";
            case "PATCH" -> "update";
            case "HEAD" -> "checkExistence";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    private static String canonicalType(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "virtualmachines" -> "virtualMachines";
            case "networkinterfaces" -> "networkInterfaces";
            case "publicipaddresses" -> "publicIPAddresses";
            case "networksecuritygroups" -> "networkSecurityGroups";
            case "virtualnetworks" -> "virtualNetworks";
            case "disks" -> "disks";
            default -> t;
        };
    }

    private Answer dispatch(String op, String method, String path, Map<String, String> params, String body) {
        Matcher m;
        if ((m = OPERATION.matcher(path)).matches()) {
            return operation(m.group(5), m.group(4).equalsIgnoreCase("operationresults"));
        }
        if ((m = VM_SIZES.matcher(path)).matches()) {
            ObjectNode sizes = vmSizes();
            if (faults.isHostile(op, Hostile.GARBAGE_NUMBERS)) {
                ((ArrayNode) sizes.get("value")).insert(0, JSON.createObjectNode().put("name", "Standard_Garbage_v1")
                        .put("numberOfCores", -2).put("memoryInMB", 0).put("maxDataDiskCount", 2)
                        .put("osDiskSizeInMB", 1047552).put("resourceDiskSizeInMB", 0));
            }
            return hostileList(op, path, params, sizes);
        }
        if ((m = LIST_ALL_VMS.matcher(path)).matches() || (m = LIST_RG_VMS.matcher(path)).matches()) {
            String rg = m.groupCount() >= 2 ? m.group(2) : null;
            ObjectNode out = JSON.createObjectNode();
            ArrayNode value = out.putArray("value");
            boolean status = "true".equalsIgnoreCase(params.get("statusOnly"))
                    || "instanceView".equalsIgnoreCase(params.get("$expand"));
            for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
                if (e.getKey().startsWith("virtualmachines/")
                        && (rg == null || e.getKey().startsWith(key("virtualMachines", rg, "")))) {
                    value.add(vmView(e.getKey(), e.getValue(), status));
                    if (faults.isHostile(op, Hostile.DUPLICATES)) {
                        value.add(vmView(e.getKey(), e.getValue(), status));
                    }
                }
            }
            return hostileList(op, path, params, out);
        }
        if ((m = RESOURCE.matcher(path)).matches()) {
            String sub = m.group(1);
            String rg = m.group(2);
            String type = canonicalType(m.group(4));
            String name = m.group(5);
            if (!resources.containsKey(key("resourceGroups", "", rg)) && !method.equals("DELETE")) {
                return armError(404, "ResourceGroupNotFound", "Resource group '" + rg + "' could not be found.");
            }
            if (m.group(6) != null) {
                ObjectNode vm = resources.get(key(type, rg, name));
                if (vm == null) {
                    return notFound(type, rg, name);
                }
                return Answer.json(200, instanceView(key(type, rg, name), vm, true));
            }
            String id = "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + m.group(3) + "/"
                    + m.group(4) + "/" + name;
            return switch (method) {
                case "PUT" -> put(type, sub, rg, name, id, body);
                case "GET" -> get(type, rg, name, params);
                case "DELETE" -> delete(type, sub, rg, name);
                default -> armError(405, "MethodNotAllowed", method + " is not supported by the stand-in");
            };
        }
        if ((m = RG.matcher(path)).matches()) {
            String rg = m.group(2);
            String k = key("resourceGroups", "", rg);
            switch (method) {
                case "PUT": {
                    JsonNode in = parse(body);
                    boolean created = !resources.containsKey(k);
                    ObjectNode n = JSON.createObjectNode();
                    n.put("id", "/subscriptions/" + m.group(1) + "/resourceGroups/" + rg).put("name", rg)
                            .put("type", "Microsoft.Resources/resourceGroups")
                            .put("location", in.path("location").asText());
                    if (in.has("tags")) {
                        n.set("tags", in.get("tags"));
                    }
                    n.putObject("properties").put("provisioningState", "Succeeded");
                    if (!in.hasNonNull("location")) {
                        return armError(400, "LocationRequired", "The location property is required.");
                    }
                    resources.put(k, n);
                    return Answer.json(created ? 201 : 200, n);
                }
                case "GET":
                case "HEAD":
                    return resources.containsKey(k) ? Answer.json(200, resources.get(k))
                            : armError(404, "ResourceGroupNotFound", "Resource group '" + rg + "' could not be found.");
                default:
                    return armError(405, "MethodNotAllowed", method);
            }
        }
        violations.add(method + " " + path + ": not an Azure Resource Manager path the stand-in knows");
        return armError(404, "InvalidResourceType", "The resource type could not be found.");
    }

    // ---- resources ---------------------------------------------------------------------------------------------

    private Answer put(String type, String sub, String rg, String name, String id, String body) {
        ObjectNode in = (ObjectNode) parse(body);
        if (!in.hasNonNull("location")) {
            return armError(400, "LocationRequired", "The location property is required for this definition.");
        }
        String k = key(type, rg, name);
        boolean created = !resources.containsKey(k);
        ObjectNode n = in.deepCopy();
        n.put("id", id).put("name", name);
        ObjectNode props = n.has("properties") ? (ObjectNode) n.get("properties") : n.putObject("properties");
        String location = in.get("location").asText();
        switch (type) {
            case "virtualNetworks" -> {
                n.put("type", "Microsoft.Network/virtualNetworks");
                props.put("resourceGuid", UUID.randomUUID().toString());
                for (JsonNode s : props.path("subnets")) {
                    ((ObjectNode) s).put("id", id + "/subnets/" + s.path("name").asText());
                    ((ObjectNode) s.path("properties")).put("provisioningState", "Succeeded");
                }
                return networkAccepted(n, props, k, created, sub, location);
            }
            case "networkSecurityGroups" -> {
                n.put("type", "Microsoft.Network/networkSecurityGroups");
                props.put("resourceGuid", UUID.randomUUID().toString());
                for (JsonNode r : props.path("securityRules")) {
                    ((ObjectNode) r).put("id", id + "/securityRules/" + r.path("name").asText());
                    ((ObjectNode) r).put("type", "Microsoft.Network/networkSecurityGroups/securityRules");
                    ((ObjectNode) r.path("properties")).put("provisioningState", "Succeeded");
                }
                return networkAccepted(n, props, k, created, sub, location);
            }
            case "publicIPAddresses" -> {
                n.put("type", "Microsoft.Network/publicIPAddresses");
                ObjectNode old = resources.get(k);
                props.put("ipAddress", old != null ? old.path("properties").path("ipAddress").asText()
                        : "20.62.0." + (10 + counter.incrementAndGet() % 200));
                props.put("resourceGuid", UUID.randomUUID().toString());
                return networkAccepted(n, props, k, created, sub, location);
            }
            case "networkInterfaces" -> {
                n.put("type", "Microsoft.Network/networkInterfaces");
                String subnet = null;
                for (JsonNode ipc : props.path("ipConfigurations")) {
                    ObjectNode p = (ObjectNode) ipc.path("properties");
                    ((ObjectNode) ipc).put("id", id + "/ipConfigurations/" + ipc.path("name").asText());
                    ObjectNode old = resources.get(k);
                    p.put("privateIPAddress", old != null ? old.path("properties").path("ipConfigurations").path(0)
                            .path("properties").path("privateIPAddress").asText()
                            : "10.42.0." + (4 + counter.incrementAndGet() % 200));
                    p.put("provisioningState", "Succeeded");
                    p.put("privateIPAddressVersion", "IPv4");
                    subnet = p.path("subnet").path("id").asText(null);
                    String pip = p.path("publicIPAddress").path("id").asText(null);
                    if (pip != null && !exists(pip)) {
                        return armError(400, "InvalidResourceReference", "Resource " + pip
                                + " referenced by resource " + id + " was not found.");
                    }
                }
                if (subnet != null && !exists(subnet.substring(0, subnet.toLowerCase(Locale.ROOT)
                        .indexOf("/subnets/")))) {
                    return armError(400, "InvalidResourceReference", "Resource " + subnet + " referenced by resource "
                            + id + " was not found.");
                }
                String nsg = props.path("networkSecurityGroup").path("id").asText(null);
                if (nsg != null && !exists(nsg)) {
                    return armError(400, "InvalidResourceReference", "Resource " + nsg + " referenced by resource "
                            + id + " was not found.");
                }
                props.put("macAddress", "00-0D-3A-00-00-" + String.format("%02X", counter.incrementAndGet() % 256));
                props.put("resourceGuid", UUID.randomUUID().toString());
                return networkAccepted(n, props, k, created, sub, location);
            }
            case "virtualMachines" -> {
                return putVm(n, props, k, created, sub, rg, location);
            }
            default -> {
                return armError(400, "InvalidResourceType", "The stand-in does not create " + type);
            }
        }
    }

    private Answer networkAccepted(ObjectNode n, ObjectNode props, String k, boolean created, String sub,
            String location) {
        n.put("etag", "W/\"" + UUID.randomUUID() + "\"");
        props.put("provisioningState", "Updating");
        resources.put(k, n);
        String opId = newOperation(() -> props.put("provisioningState", "Succeeded"), null, null, null);
        return Answer.json(created ? 201 : 200, n).with("Azure-AsyncOperation",
                opUrl(sub, "Microsoft.Network", location, "operations", opId));
    }

    private Answer putVm(ObjectNode n, ObjectNode props, String k, boolean created, String sub, String rg,
            String location) {
        n.put("type", "Microsoft.Compute/virtualMachines");
        String size = props.path("hardwareProfile").path("vmSize").asText();
        boolean known = false;
        for (JsonNode s : vmSizes().get("value")) {
            known |= s.get("name").asText().equalsIgnoreCase(size);
        }
        if (!known) {
            ObjectNode e = JSON.createObjectNode();
            e.putObject("error").put("code", "InvalidParameter").put("target", "vmSize").put("message",
                    "The value " + size + " provided for the VM size is not valid. The valid sizes in the current "
                            + "region are: Standard_B2s, Standard_D2s_v5, Standard_D4s_v5, Standard_DC2ads_v5, "
                            + "Standard_E4s_v5.");
            return Answer.json(400, e);
        }
        String nicId = props.path("networkProfile").path("networkInterfaces").path(0).path("id").asText(null);
        if (nicId == null || !exists(nicId)) {
            return armError(400, "InvalidParameter", "Resource " + nicId + " referenced by the virtual machine "
                    + "was not found.");
        }
        ObjectNode old = resources.get(k);
        props.put("vmId", old != null ? old.path("properties").path("vmId").asText() : UUID.randomUUID().toString());
        props.put("timeCreated", old != null ? old.path("properties").path("timeCreated").asText()
                : Instant.now().toString());
        ObjectNode osDisk = (ObjectNode) props.path("storageProfile").path("osDisk");
        String diskName = osDisk.path("name").asText(n.get("name").asText() + "_OsDisk");
        String diskId = "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Compute/disks/"
                + diskName;
        if (osDisk.has("managedDisk")) {
            ((ObjectNode) osDisk.get("managedDisk")).put("id", diskId);
        }
        props.put("provisioningState", "Creating");
        n.put("_power", "starting");
        resources.put(k, n);
        vmReads.put(k, 0);
        ObjectNode disk = JSON.createObjectNode().put("id", diskId).put("name", diskName)
                .put("type", "Microsoft.Compute/disks").put("location", location);
        disk.putObject("properties").put("diskSizeGB", osDisk.path("diskSizeGB").asInt(30))
                .put("deleteOption", osDisk.path("deleteOption").asText("Detach"));
        resources.put(key("disks", rg, diskName), disk);
        Optional<Fault> lroFault = faults.next("virtualMachines.createOrUpdate#lro");
        String failCode = null;
        String failMessage = null;
        if (lroFault.isPresent() && lroFault.get() == Fault.CAPACITY) {
            failCode = "AllocationFailed";
            failMessage = "Allocation failed. We do not have sufficient capacity for the requested VM size in this "
                    + "region. Read more about improving likelihood of allocation success at "
                    + "http://aka.ms/allocation-guidance";
        } else if (lroFault.isPresent() && lroFault.get() == Fault.QUOTA) {
            failCode = "QuotaExceeded";
            failMessage = "Operation results in exceeding quota limits of Core. Maximum allowed: 10, Current in "
                    + "use: 10, Additional requested: 2.";
        }
        String opId = newOperation(() -> props.put("provisioningState", "Succeeded"),
                () -> {
                    props.put("provisioningState", "Failed");
                    n.put("_power", "deallocated");
                }, failCode, failMessage);
        return Answer.json(created ? 201 : 200, publicView(n)).with("Azure-AsyncOperation",
                opUrl(sub, "Microsoft.Compute", location, "operations", opId));
    }

    private boolean exists(String resourceId) {
        Matcher m = RESOURCE.matcher(resourceId);
        return m.matches() && resources.containsKey(key(canonicalType(m.group(4)), m.group(2), m.group(5)));
    }

    private Answer get(String type, String rg, String name, Map<String, String> params) {
        String k = key(type, rg, name);
        ObjectNode n = resources.get(k);
        if (n == null) {
            return notFound(type, rg, name);
        }
        if (type.equals("virtualMachines")) {
            return Answer.json(200, vmView(k, n, "instanceView".equalsIgnoreCase(params.get("$expand"))));
        }
        ObjectNode out = publicView(n);
        if (type.equals("networkSecurityGroups")) {
            ArrayNode nics = ((ObjectNode) out.path("properties")).putArray("networkInterfaces");
            for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
                if (e.getKey().startsWith("networkinterfaces/") && n.get("id").asText().equalsIgnoreCase(
                        e.getValue().path("properties").path("networkSecurityGroup").path("id").asText())) {
                    nics.addObject().put("id", e.getValue().get("id").asText());
                }
            }
        }
        if (type.equals("publicIPAddresses")) {
            for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
                if (e.getKey().startsWith("networkinterfaces/")) {
                    for (JsonNode ipc : e.getValue().path("properties").path("ipConfigurations")) {
                        if (n.get("id").asText().equalsIgnoreCase(ipc.path("properties").path("publicIPAddress")
                                .path("id").asText())) {
                            ((ObjectNode) out.path("properties")).putObject("ipConfiguration")
                                    .put("id", ipc.path("id").asText());
                        }
                    }
                }
            }
        }
        return Answer.json(200, out);
    }

    private ObjectNode vmView(String k, ObjectNode vm, boolean withInstanceView) {
        ObjectNode out = publicView(vm);
        if (withInstanceView) {
            ((ObjectNode) out.path("properties")).set("instanceView", instanceView(k, vm, false));
        }
        return out;
    }

    /** The instance view; each read after provisioning advances the power state (starting → running). */
    private ObjectNode instanceView(String k, ObjectNode vm, boolean advance) {
        String ps = vm.path("properties").path("provisioningState").asText();
        String power = vm.path("_power").asText("starting");
        if (advance && ps.equals("Succeeded") && power.equals("starting") && vmReads.merge(k, 1, Integer::sum) > 1) {
            power = "running";
            vm.put("_power", power);
        }
        ObjectNode view = JSON.createObjectNode();
        view.put("computerName", vm.path("properties").path("osProfile").path("computerName").asText());
        view.put("osName", "ubuntu").put("osVersion", "22.04");
        ArrayNode statuses = view.putArray("statuses");
        String now = Instant.now().toString();
        if (ps.equals("Failed")) {
            statuses.addObject().put("code", "ProvisioningState/failed/AllocationFailed").put("level", "Error")
                    .put("displayStatus", "Provisioning failed").put("time", now);
        } else {
            statuses.addObject().put("code", "ProvisioningState/" + ps.toLowerCase(Locale.ROOT)).put("level", "Info")
                    .put("displayStatus", "Provisioning " + ps.toLowerCase(Locale.ROOT)).put("time", now);
        }
        if (!ps.equals("Creating")) {
            statuses.addObject().put("code", "PowerState/" + power).put("level", "Info")
                    .put("displayStatus", "VM " + power);
        }
        return view;
    }

    private Answer delete(String type, String sub, String rg, String name) {
        String k = key(type, rg, name);
        ObjectNode n = resources.get(k);
        if (n == null) {
            return Answer.empty(204);
        }
        String id = n.get("id").asText();
        switch (type) {
            case "networkInterfaces" -> {
                for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
                    if (e.getKey().startsWith("virtualmachines/") && id.equalsIgnoreCase(e.getValue()
                            .path("properties").path("networkProfile").path("networkInterfaces").path(0).path("id")
                            .asText())) {
                        return armError(400, "NicInUse", "Network Interface " + id + " is used by existing resource "
                                + e.getValue().get("id").asText() + ". In order to delete the network interface, it "
                                + "must be dissociated from the resource.");
                    }
                }
            }
            case "publicIPAddresses", "networkSecurityGroups", "virtualNetworks" -> {
                String field = type.equals("publicIPAddresses") ? "publicIPAddress" : null;
                for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
                    if (!e.getKey().startsWith("networkinterfaces/")) {
                        continue;
                    }
                    JsonNode props = e.getValue().path("properties");
                    boolean used = type.equals("networkSecurityGroups")
                            ? id.equalsIgnoreCase(props.path("networkSecurityGroup").path("id").asText())
                            : type.equals("virtualNetworks")
                                    ? props.path("ipConfigurations").path(0).path("properties").path("subnet")
                                            .path("id").asText().toLowerCase(Locale.ROOT)
                                            .startsWith(id.toLowerCase(Locale.ROOT) + "/")
                                    : id.equalsIgnoreCase(props.path("ipConfigurations").path(0).path("properties")
                                            .path(field).path("id").asText());
                    if (used) {
                        String code = type.equals("publicIPAddresses") ? "PublicIPAddressCannotBeDeleted"
                                : type.equals("networkSecurityGroups") ? "InUseNetworkSecurityGroupCannotBeDeleted"
                                        : "InUseSubnetCannotBeDeleted";
                        return armError(400, code, type + " " + id + " is in use by " + e.getValue().get("id")
                                .asText() + " and cannot be deleted.");
                    }
                }
            }
            default -> {
            }
        }
        String location = n.path("location").asText("eastus");
        String provider = type.equals("virtualMachines") || type.equals("disks") ? "Microsoft.Compute"
                : "Microsoft.Network";
        Runnable remove = () -> {
            resources.remove(k);
            vmReads.remove(k);
            if (type.equals("virtualMachines")) {
                String disk = n.path("properties").path("storageProfile").path("osDisk").path("name").asText();
                String opt = n.path("properties").path("storageProfile").path("osDisk").path("deleteOption").asText();
                if ("Delete".equalsIgnoreCase(opt)) {
                    resources.remove(key("disks", rg, disk));
                }
            }
        };
        if (type.equals("virtualMachines")) {
            ((ObjectNode) n.get("properties")).put("provisioningState", "Deleting");
            n.put("_power", "deallocating");
        }
        String opId = newOperation(remove, null, null, null);
        return Answer.empty(202)
                .with("Azure-AsyncOperation", opUrl(sub, provider, location, "operations", opId))
                .with("Location", opUrl(sub, provider, location, "operationResults", opId))
                .with("Retry-After", "0");
    }

    private Answer notFound(String type, String rg, String name) {
        return armError(404, "ResourceNotFound", "The Resource '" + (type.equals("virtualMachines")
                ? "Microsoft.Compute/virtualMachines/" : type.equals("disks") ? "Microsoft.Compute/disks/"
                        : "Microsoft.Network/" + type + "/") + name + "' under resource group '" + rg
                + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    // ---- long-running operations ---------------------------------------------------------------------------------

    private String newOperation(Runnable onSuccess, Runnable onFailure, String failCode, String failMessage) {
        Op op = new Op();
        op.pending = operationPolls;
        op.onSuccess = onSuccess;
        op.onFailure = onFailure;
        op.failCode = failCode;
        op.failMessage = failMessage;
        String id = UUID.randomUUID().toString();
        operations.put(id, op);
        return id;
    }

    private String opUrl(String sub, String provider, String location, String kind, String id) {
        return baseUrl() + "/subscriptions/" + sub + "/providers/" + provider + "/locations/" + location + "/" + kind
                + "/" + id + "?api-version=2024-07-01";
    }

    private Answer operation(String id, boolean result) {
        Op op = operations.get(id);
        if (op == null) {
            return armError(404, "ResourceNotFound", "The operation '" + id + "' was not found.");
        }
        if (!op.done) {
            if (op.pending > 0) {
                op.pending--;
            } else {
                op.done = true;
                if (op.failCode != null) {
                    op.failed = true;
                    if (op.onFailure != null) {
                        op.onFailure.run();
                    }
                } else if (op.onSuccess != null) {
                    op.onSuccess.run();
                }
            }
        }
        if (result) {
            return op.done ? Answer.empty(op.failed ? 200 : 204) : Answer.empty(202).with("Retry-After", "0");
        }
        ObjectNode s = JSON.createObjectNode().put("name", id).put("startTime", Instant.now().toString());
        if (!op.done) {
            s.put("status", "InProgress");
        } else if (op.failed) {
            s.put("status", "Failed").put("endTime", Instant.now().toString());
            s.putObject("error").put("code", op.failCode).put("message", op.failMessage);
        } else {
            s.put("status", "Succeeded").put("endTime", Instant.now().toString());
        }
        return Answer.json(200, s);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private ObjectNode vmSizes() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode v = out.putArray("value");
        Object[][] sizes = {{"Standard_B2s", 2, 4096}, {"Standard_D2s_v5", 2, 8192}, {"Standard_D4s_v5", 4, 16384},
                {"Standard_DC2ads_v5", 2, 8192}, {"Standard_E4s_v5", 4, 32768}};
        for (Object[] s : sizes) {
            v.addObject().put("name", (String) s[0]).put("numberOfCores", (Integer) s[1])
                    .put("osDiskSizeInMB", 1047552).put("resourceDiskSizeInMB", 0).put("memoryInMB", (Integer) s[2])
                    .put("maxDataDiskCount", 4);
        }
        return out;
    }

    /** The stored resource without the stand-in's private fields (names starting with '_'). */
    private static ObjectNode publicView(ObjectNode n) {
        ObjectNode out = n.deepCopy();
        List<String> hidden = new ArrayList<>();
        out.fieldNames().forEachRemaining(f -> {
            if (f.startsWith("_")) {
                hidden.add(f);
            }
        });
        out.remove(hidden);
        return out;
    }

    static Answer armError(int status, String code, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("code", code).put("message", message);
        return Answer.json(status, e);
    }

    private static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode oidcDocument(String tenant) {
        String base = baseUrl() + "/" + tenant;
        return JSON.createObjectNode().put("token_endpoint", base + "/oauth2/v2.0/token")
                .put("authorization_endpoint", base + "/oauth2/v2.0/authorize").put("issuer", base + "/v2.0")
                .put("jwks_uri", base + "/discovery/v2.0/keys").put("tenant_region_scope", "NA");
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

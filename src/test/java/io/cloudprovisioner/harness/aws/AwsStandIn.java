package io.cloudprovisioner.harness.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for the EC2 query API on 127.0.0.1 (WireMock, one catch-all stub answered by a transformer):
 * POST form-encoded {@code Action=...&Version=2016-11-15}, XML answers in the EC2 namespace, errors as
 * {@code <Response><Errors><Error><Code>}. Every request is validated against the botocore model
 * ({@link AwsSpecValidator}) and must carry a SigV4 Authorization header, whose credential scope names the region
 * the client signed for. Instances are pending on the first DescribeInstances after RunInstances, then running;
 * TerminateInstances moves them to shutting-down, the next read to terminated. ClientToken is idempotent (same token →
 * same reservation). DescribeInstances, DescribeInstanceTypes and DescribeSpotPriceHistory page as EC2 does (MaxResults,
 * an opaque NextToken, a {@code <nextToken>} element while more remain) and answer in the {@link Hostile} modes set for
 * them ({@link FaultPlan#hostile}, keyed by action): a repeated or endless nextToken, every entry twice, entries with
 * impossible figures, and (FOREIGN_UNDER_FILTER) entries the request's tag filters, InstanceId or InstanceType list
 * do not match.
 */
public final class AwsStandIn implements StandIn {
    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String TRANSFORMER = "ec2-fake";
    static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/ec2/aws4_request");
    static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");
    public static final String OWNER = "123456789012";
    public static final String CANONICAL = "099720109477";
    public static final String DEFAULT_VPC = "vpc-0a1b2c3d4e5f60718";

    private final WireMockServer server;
    private final AwsSpecValidator validator = AwsSpecValidator.load();
    private final FaultPlan faults = new FaultPlan();
    private final List<RecordedCall> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> signedRegions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Fake fake = new Fake(faults);

    private AwsStandIn() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .disableRequestJournal().extensions(new Transformer()));
    }

    public static AwsStandIn start() {
        AwsStandIn s = new AwsStandIn();
        s.server.start();
        s.server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(TRANSFORMER)));
        s.warmUp();
        return s;
    }

    /** One request through the whole path (Jetty, transformer, validator, fake) so that tests do not time a cold one. */
    private void warmUp() {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(baseUrl() + "/").toURL()
                    .openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
            c.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDWARMUP/20261125/us-east-1/ec2/"
                    + "aws4_request, SignedHeaders=host, Signature=0");
            try (var out = c.getOutputStream()) {
                out.write("Action=DescribeInstanceTypes&Version=2016-11-15".getBytes(StandardCharsets.UTF_8));
            }
            c.getResponseCode();
            c.getInputStream().readAllBytes();
            c.disconnect();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("EC2 stand-in did not answer its warm-up request", e);
        } finally {
            clearRecorded();
        }
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
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The region of each call's SigV4 credential scope, in the order of {@link #calls()}. */
    public List<String> signedRegions() {
        synchronized (signedRegions) {
            return List.copyOf(signedRegions);
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
        synchronized (fake) {
            return (int) fake.instances.values().stream()
                    .filter(i -> !i.state.equals("terminated") && !i.state.equals("shutting-down")).count();
        }
    }

    /** Calls of {@code action}, parsed into their form parameters. */
    public List<Map<String, String>> forms(String action) {
        return calls().stream().filter(c -> c.operation().equals(action)).map(c -> parseForm(c.body())).toList();
    }

    /**
     * The next launched instance fails while pending: its first read shows it terminated with this state reason
     * (e.g. Server.InsufficientInstanceCapacity, as EC2 reports a launch it could not place).
     */
    public void failNextLaunch(String stateReasonCode) {
        synchronized (fake) {
            fake.failNextLaunch = stateReasonCode;
        }
    }

    /**
     * An instance made outside this service (or by another of its requests), running in {@code region} with exactly
     * {@code tags}; its id.
     */
    public String plant(String region, String type, Map<String, String> tags) {
        synchronized (fake) {
            return fake.plant(region, type, tags);
        }
    }

    /** A key pair the account already has in {@code region} (made outside this service); {@code "*"}: in every region. */
    public void seedKeyPair(String region, String name, String publicKey) {
        synchronized (fake) {
            fake.seedKeyPair(region, name, publicKey);
        }
    }

    /** The account's key pairs in {@code region}: name to public key line, and their tags by name. */
    public Map<String, String> keyPairs(String region) {
        synchronized (fake) {
            Map<String, String> out = new LinkedHashMap<>();
            fake.keyPairsIn(region).forEach((n, k) -> out.put(n, k.publicKey()));
            return out;
        }
    }

    /** Tags of the key pair {@code name} in {@code region}; empty when it has none or does not exist. */
    public Map<String, String> keyPairTags(String region, String name) {
        synchronized (fake) {
            KeyPair k = fake.keyPairsIn(region).get(name);
            return k == null ? Map.of() : k.tags();
        }
    }

    /** Calls of {@code action}, in order. */
    public List<RecordedCall> calls(String action) {
        return calls().stream().filter(c -> c.operation().equals(action)).toList();
    }

    /** Forgets the recorded calls, violations and queued faults, keeping the account's resources. */
    public void clearRecorded() {
        calls.clear();
        signedRegions.clear();
        violations.clear();
        faults.clear();
    }

    /**
     * Forgets the recorded calls, violations, queued faults and every instance, keeping the account's security groups
     * (the adapter keeps the id of the group it made, as against EC2).
     */
    public void resetInstances() {
        clearRecorded();
        synchronized (fake) {
            fake.instances.clear();
            fake.tokens.clear();
        }
    }

    @Override
    public void reset() {
        clearRecorded();
        synchronized (fake) {
            fake.clear();
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    public static Map<String, String> parseForm(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return TRANSFORMER;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request r = event.getRequest();
            String body = r.getBodyAsString();
            Map<String, String> form = parseForm(body);
            if (!r.getMethod().getName().equals("POST")) {
                form.putAll(parseForm(r.getUrl().contains("?") ? r.getUrl().substring(r.getUrl().indexOf('?') + 1)
                        : ""));
            }
            String action = form.getOrDefault("Action", "");
            String auth = r.getHeader("Authorization");
            Matcher m = auth == null ? null : SCOPE.matcher(auth);
            String region = m != null && m.find() ? m.group(1) : "";
            synchronized (calls) {
                calls.add(new RecordedCall(action, r.getMethod().getName(), r.getUrl(), "", body));
                signedRegions.add(region);
            }
            List<String> v = new ArrayList<>(validator.validate(form));
            if (!r.getMethod().getName().equals("POST")) {
                v.add(action + ": method " + r.getMethod().getName() + " (the SDK posts)");
            }
            String ct = r.getHeader("Content-Type");
            if (ct == null || !ct.startsWith("application/x-www-form-urlencoded")) {
                v.add(action + ": Content-Type " + ct);
            }
            if (region.isEmpty()) {
                v.add(action + ": no SigV4 Authorization header for service ec2");
            }
            violations.addAll(v);
            if (!validator.knows(action)) {
                return error(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
            }
            Optional<Fault> fault = faults.next(action);
            if (fault.isPresent() && fault.get() != Fault.SLOW) {
                return fault(fault.get(), form);
            }
            ResponseDefinition answer;
            synchronized (fake) {
                answer = fake.handle(action, form, region.isEmpty() ? "us-east-1" : region);
            }
            if (fault.isPresent()) {
                return ResponseDefinitionBuilder.like(answer).withFixedDelay((int) faults.slowDelayMillis()).build();
            }
            return answer;
        }
    }

    static ResponseDefinition fault(Fault f, Map<String, String> form) {
        return switch (f) {
            case THROTTLE -> error(503, "RequestLimitExceeded", "Request limit exceeded.");
            case SERVER_ERROR, LOST_RESPONSE -> error(500, "InternalError", "An internal error has occurred.");
            case CAPACITY -> error(500, "InsufficientInstanceCapacity", "We currently do not have sufficient "
                    + form.getOrDefault("InstanceType", "") + " capacity in the Availability Zone you requested ("
                    + form.getOrDefault("Placement.AvailabilityZone", "us-east-1a") + "). Our system will be "
                    + "working on provisioning additional capacity.");
            case QUOTA -> error(400, "InstanceLimitExceeded", "You have requested more instances (21) than your "
                    + "current instance limit of 20 allows for the specified instance type.");
            case AUTH -> error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
            case SLOW -> throw new IllegalArgumentException("SLOW delays a normal answer");
        };
    }

    static ResponseDefinition error(int status, String code, String message) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + esc(code)
                + "</Code><Message>" + esc(message) + "</Message></Error></Errors><RequestID>" + UUID.randomUUID()
                + "</RequestID></Response>";
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withBody(xml).build();
    }

    static ResponseDefinition ok(String action, String inner) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS
                + "\"><requestId>" + UUID.randomUUID() + "</requestId>" + inner + "</" + action + "Response>";
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withBody(xml).build();
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    static String el(String tag, Object value) {
        return value == null ? "" : "<" + tag + ">" + esc(value.toString()) + "</" + tag + ">";
    }

    /** Values of the flattened list {@code prefix.N} (N = 1, 2, ...). */
    static List<String> list(Map<String, String> form, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 1; form.containsKey(prefix + "." + i); i++) {
            out.add(form.get(prefix + "." + i));
        }
        return out;
    }

    /** Filter.N.Name → values. */
    static Map<String, List<String>> filters(Map<String, String> form) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 1; form.containsKey("Filter." + i + ".Name"); i++) {
            out.put(form.get("Filter." + i + ".Name"), list(form, "Filter." + i + ".Value"));
        }
        return out;
    }

    /** Tags of the TagSpecification.N whose ResourceType is {@code type}. */
    static Map<String, String> tagSpec(Map<String, String> form, String type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; form.containsKey("TagSpecification." + i + ".ResourceType"); i++) {
            if (type.equals(form.get("TagSpecification." + i + ".ResourceType"))) {
                String p = "TagSpecification." + i + ".Tag.";
                for (int j = 1; form.containsKey(p + j + ".Key"); j++) {
                    out.put(form.get(p + j + ".Key"), form.getOrDefault(p + j + ".Value", ""));
                }
            }
        }
        return out;
    }

    static boolean glob(String pattern, String value) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return value != null && value.matches(re.toString());
    }

    static String tagSet(Map<String, String> tags) {
        StringBuilder b = new StringBuilder("<tagSet>");
        tags.forEach((k, v) -> b.append("<item>").append(el("key", k)).append(el("value", v)).append("</item>"));
        return b.append("</tagSet>").toString();
    }

    record Image(String id, String name, String owner, String arch, String created, String rootDevice) {
    }

    record Type(String name, String arch, int vcpus, long memMiB, int gpus, String gpuName, boolean enclaves,
            boolean sevSnp) {
    }

    record Rule(String protocol, int from, int to, String cidr) {
    }

    static final class Group {
        String id;
        String name;
        String description;
        String vpcId;
        Map<String, String> tags = new LinkedHashMap<>();
        List<Rule> rules = new ArrayList<>();
    }

    record KeyPair(String id, String name, String publicKey, String fingerprint, Map<String, String> tags) {
    }

    static final class Inst {
        String id;
        String reservationId;
        String region;
        String type;
        String imageId;
        String arch;
        String zone;
        String state = "pending";
        int reads;
        String keyName;
        List<String> groupIds = new ArrayList<>();
        Map<String, String> tags = new LinkedHashMap<>();
        String clientToken;
        boolean spot;
        boolean enclave;
        boolean sevSnp;
        String rootDevice;
        int volumeSize;
        Instant launched;
        String privateIp;
        String publicIp;
        String failReason;
    }

    /** The account's EC2 resources (one account, every region). Guarded by its own monitor. */
    static final class Fake {
        /** EC2's pagination tokens are opaque; the stand-in's are tok-OFFSET, or tok-OFFSET-PAGE in hostile modes. */
        static final Pattern TOKEN = Pattern.compile("tok-(\\d{1,9})(?:-(\\d{1,9}))?");
        final FaultPlan faults;

        Fake(FaultPlan faults) {
            this.faults = faults;
        }

        /** One page of a listing and the nextToken of the rest (null on the last page). */
        record Paged<T>(List<T> items, String nextToken) {
            String nextTokenXml() {
                return nextToken == null ? "" : el("nextToken", nextToken);
            }
        }

        /**
         * The page of {@code all} the request's NextToken and MaxResults select ({@code pageSize} entries when the
         * request sets no MaxResults, all when that is 0), as EC2 pages; in the hostile modes set for {@code action}
         * every page starts over and names the first page's cursor again (REPEAT_CURSOR) or a fresh one
         * (ENDLESS_PAGES). Null when the NextToken is not one the stand-in handed out.
         */
        <T> Paged<T> page(String action, List<T> all, Map<String, String> f, int pageSize, int maxResults) {
            int start = 0;
            int page = 1;
            String token = f.get("NextToken");
            if (token != null && !token.isEmpty()) {
                Matcher m = TOKEN.matcher(token);
                if (!m.matches()) {
                    return null;
                }
                start = Integer.parseInt(m.group(1));
                page = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            }
            int size = f.containsKey("MaxResults") ? Math.min(Integer.parseInt(f.get("MaxResults")), maxResults)
                    : pageSize <= 0 ? Math.max(1, all.size()) : pageSize;
            boolean repeat = faults.isHostile(action, Hostile.REPEAT_CURSOR);
            boolean endless = faults.isHostile(action, Hostile.ENDLESS_PAGES);
            if (repeat || endless) {
                start = 0;
            }
            int from = Math.min(start, all.size());
            int end = Math.min(all.size(), from + size);
            String next = repeat ? "tok-0-2" : endless ? "tok-0-" + (page + 1) : end < all.size() ? "tok-" + end
                    : null;
            return new Paged<>(List.copyOf(all.subList(from, end)), next);
        }

        /** {@code items}, each listed twice when the action is answered in the DUPLICATES mode. */
        <T> List<T> maybeTwice(String action, List<T> items) {
            return faults.maybeTwice(action, items);
        }

        static ResponseDefinition badToken(Map<String, String> f) {
            return error(400, "InvalidParameterValue", "Unable to parse pagination token: " + f.get("NextToken"));
        }

        String plant(String region, String type, Map<String, String> tags) {
            Type t = types.stream().filter(x -> x.name().equals(type)).findFirst().orElseThrow();
            Image image = images.stream().filter(x -> x.arch().equals(t.arch())).findFirst().orElseThrow();
            Inst i = new Inst();
            i.id = "i-" + hex(17);
            i.reservationId = "r-" + hex(17);
            i.region = region;
            i.type = t.name();
            i.arch = t.arch();
            i.imageId = image.id();
            i.zone = region + "a";
            i.state = "running";
            i.tags.putAll(tags);
            i.rootDevice = image.rootDevice();
            i.volumeSize = 8;
            i.launched = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            int n = instances.size() + 10;
            i.privateIp = "172.31." + (n / 250) + "." + (n % 250 + 4);
            i.publicIp = "203.0.113." + (n % 250 + 4);
            instances.put(i.id, i);
            return i.id;
        }
        final List<Image> images = List.of(
                new Image("ami-0aa00000000000001", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260101",
                        CANONICAL, "x86_64", "2026-01-01T10:00:00.000Z", "/dev/sda1"),
                new Image("ami-0aa00000000000002", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261001",
                        CANONICAL, "x86_64", "2026-10-01T10:00:00.000Z", "/dev/sda1"),
                new Image("ami-0bb00000000000001", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20261001",
                        CANONICAL, "arm64", "2026-10-01T11:00:00.000Z", "/dev/sda1"),
                new Image("ami-0cc00000000000001", "al2023-ami-2023.6-kernel-6.1-x86_64", "137112412989", "x86_64",
                        "2026-11-01T10:00:00.000Z", "/dev/xvda"));
        /**
         * Every EC2 type of the bundled catalog (moto's DescribeInstanceTypes dump, i.e. what EC2 itself answers),
         * with a few hand-written entries on top whose traits the tests rely on.
         */
        final List<Type> types = types();

        static List<Type> types() {
            Map<String, Type> byName = new java.util.TreeMap<>();
            for (var t : io.cloudprovisioner.catalog.CatalogLoader.loadBundled()
                    .provider(io.cloudprovisioner.domain.Provider.AWS).types().values()) {
                byName.put(t.name(), new Type(t.name(), t.architecture() == io.cloudprovisioner.domain.Architecture.ARM64
                        ? "arm64" : "x86_64", (int) t.vcpus(), Math.round(t.memoryGib() * 1024), t.gpuCount(),
                        t.gpuCount() > 0 ? t.gpuModel() : null,
                        t.tee().contains(io.cloudprovisioner.domain.TeeTechnology.NITRO_ENCLAVES),
                        t.tee().contains(io.cloudprovisioner.domain.TeeTechnology.AMD_SEV_SNP)));
            }
            for (Type t : List.of(
                    new Type("c6a.large", "x86_64", 2, 4096, 0, null, false, true),
                    new Type("g5.xlarge", "x86_64", 4, 16384, 1, "A10G", true, false),
                    new Type("m5.large", "x86_64", 2, 8192, 0, null, false, false),
                    new Type("m6i.large", "x86_64", 2, 8192, 0, null, false, false),
                    new Type("m7g.large", "arm64", 2, 8192, 0, null, true, false),
                    new Type("t3.micro", "x86_64", 2, 1024, 0, null, false, false))) {
                byName.put(t.name(), t);
            }
            return List.copyOf(byName.values());
        }

        final Map<String, Inst> instances = new LinkedHashMap<>();
        final Map<String, String> tokens = new LinkedHashMap<>();
        final Map<String, Group> groups = new LinkedHashMap<>();
        /** Key pairs by region, then name (kept by clear(): the account's key pairs outlive a test's instances). */
        final Map<String, Map<String, KeyPair>> keyPairs = new LinkedHashMap<>();
        String failNextLaunch;
        int seq;

        void clear() {
            instances.clear();
            tokens.clear();
            groups.clear();
        }

        String hex(int len) {
            seq++;
            String h = String.format(Locale.ROOT, "%0" + len + "x", seq * 7919L + 0xabcdeL);
            return h.substring(h.length() - len);
        }

        ResponseDefinition handle(String action, Map<String, String> f, String region) {
            return switch (action) {
                case "DescribeImages" -> describeImages(f);
                case "DescribeInstanceTypes" -> describeInstanceTypes(f);
                case "DescribeSecurityGroups" -> describeSecurityGroups(f);
                case "CreateSecurityGroup" -> createSecurityGroup(f);
                case "AuthorizeSecurityGroupIngress" -> authorize(f);
                case "RunInstances" -> runInstances(f, region);
                case "DescribeInstances" -> describeInstances(f, region);
                case "TerminateInstances" -> terminateInstances(f, region);
                case "CreateTags" -> createTags(f);
                case "DescribeKeyPairs" -> describeKeyPairs(f, region);
                case "ImportKeyPair" -> importKeyPair(f, region);
                case "DescribeSpotPriceHistory" -> describeSpotPriceHistory(f, region);
                default -> error(400, "UnsupportedOperation", "The stand-in does not implement " + action + ".");
            };
        }

        /**
         * Spot price history of the account's view (every region): several changes per (type, zone, product), so a
         * client must pick the latest. Windows rows exist too, and a type the catalog does not know.
         */
        final List<Spot> spotHistory = new ArrayList<>(List.of(
                new Spot("us-east-1a", "m5.large", "Linux/UNIX", "0.052100", "2026-11-24T02:00:00.000Z"),
                new Spot("us-east-1a", "m5.large", "Linux/UNIX", "0.041200", "2026-11-25T07:13:41.000Z"),
                new Spot("us-east-1b", "m5.large", "Linux/UNIX", "0.038700", "2026-11-25T03:05:12.000Z"),
                new Spot("us-east-1b", "m5.large", "Linux/UNIX", "0.031000", "2026-11-20T03:05:12.000Z"),
                new Spot("us-east-1b", "m5.large", "Windows", "0.021000", "2026-11-25T03:05:12.000Z"),
                new Spot("us-east-1c", "m6i.large", "Linux/UNIX", "0.036400", "2026-11-25T08:00:00.000Z"),
                new Spot("us-east-1a", "zz9.mega", "Linux/UNIX", "0.001000", "2026-11-25T08:00:00.000Z"),
                new Spot("eu-west-1a", "m5.large", "Linux/UNIX", "0.044800", "2026-11-25T05:00:00.000Z"),
                new Spot("eu-west-1b", "t3.micro", "Linux/UNIX", "0.003700", "2026-11-25T05:00:00.000Z")));

        record Spot(String zone, String type, String product, String price, String timestamp) {
        }

        ResponseDefinition describeSpotPriceHistory(Map<String, String> f, String region) {
            List<String> typesWanted = list(f, "InstanceType");
            List<String> products = list(f, "ProductDescription");
            String end = f.get("EndTime");
            List<Spot> rows = new ArrayList<>(spotHistory);
            if (faults.isHostile("DescribeSpotPriceHistory", Hostile.GARBAGE_NUMBERS)) {
                String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                rows.add(0, new Spot(region + "a", "m5.garbage-negative", "Linux/UNIX", "-0.041200", now));
                rows.add(1, new Spot(region + "a", "m5.garbage-huge", "Linux/UNIX", "98765432.100000", now));
            }
            List<Spot> all = maybeTwice("DescribeSpotPriceHistory", rows.stream()
                    .filter(p -> p.zone().startsWith(region) && p.zone().length() == region.length() + 1)
                    .filter(p -> typesWanted.isEmpty() || typesWanted.contains(p.type()))
                    .filter(p -> products.isEmpty() || products.contains(p.product()))
                    .filter(p -> end == null || java.time.Instant.parse(p.timestamp())
                            .isBefore(java.time.Instant.parse(end).plusSeconds(1)))
                    .toList());
            Paged<Spot> page = page("DescribeSpotPriceHistory", all, f, spotPageSize, Math.min(1000, spotPageSize));
            if (page == null) {
                return badToken(f);
            }
            StringBuilder b = new StringBuilder("<spotPriceHistorySet>");
            for (Spot p : page.items()) {
                b.append("<item>").append(el("instanceType", p.type())).append(el("productDescription", p.product()))
                        .append(el("spotPrice", p.price())).append(el("timestamp", p.timestamp()))
                        .append(el("availabilityZone", p.zone())).append("</item>");
            }
            b.append("</spotPriceHistorySet>");
            b.append(page.nextToken() == null ? "<nextToken/>" : page.nextTokenXml());
            return ok("DescribeSpotPriceHistory", b.toString());
        }

        /** Entries per DescribeSpotPriceHistory page (small, so that paging is exercised). */
        int spotPageSize = 3;

        ResponseDefinition describeImages(Map<String, String> f) {
            List<String> ids = list(f, "ImageId");
            for (String id : ids) {
                if (images.stream().noneMatch(i -> i.id().equals(id))) {
                    return error(400, "InvalidAMIID.NotFound", "The image id '[" + id + "]' does not exist");
                }
            }
            List<String> owners = list(f, "Owner");
            Map<String, List<String>> filters = filters(f);
            StringBuilder b = new StringBuilder("<imagesSet>");
            for (Image i : images) {
                if ((!ids.isEmpty() && !ids.contains(i.id())) || (!owners.isEmpty() && !owners.contains(i.owner()))) {
                    continue;
                }
                boolean match = true;
                for (Map.Entry<String, List<String>> e : filters.entrySet()) {
                    String actual = switch (e.getKey()) {
                        case "name" -> i.name();
                        case "architecture" -> i.arch();
                        case "state" -> "available";
                        case "owner-id" -> i.owner();
                        default -> null;
                    };
                    if (actual == null) {
                        return error(400, "InvalidParameterValue", "The filter '" + e.getKey() + "' is invalid");
                    }
                    match &= e.getValue().stream().anyMatch(p -> glob(p, actual));
                }
                if (!match) {
                    continue;
                }
                b.append("<item>").append(el("imageId", i.id())).append(el("imageLocation", i.owner() + "/"
                        + i.name())).append(el("imageState", "available")).append(el("imageOwnerId", i.owner()))
                        .append(el("creationDate", i.created())).append(el("isPublic", true))
                        .append(el("architecture", i.arch())).append(el("imageType", "machine"))
                        .append(el("name", i.name())).append(el("rootDeviceType", "ebs"))
                        .append(el("rootDeviceName", i.rootDevice())).append(el("virtualizationType", "hvm"))
                        .append(el("hypervisor", "xen")).append("</item>");
            }
            return ok("DescribeImages", b.append("</imagesSet>").toString());
        }

        ResponseDefinition describeInstanceTypes(Map<String, String> f) {
            List<String> wanted = list(f, "InstanceType");
            for (String w : wanted) {
                if (types.stream().noneMatch(t -> t.name().equals(w))) {
                    return error(400, "InvalidInstanceType", "The following supplied instance types do not exist: ["
                            + w + "]");
                }
            }
            List<Type> listed = new ArrayList<>(types.stream().filter(t -> wanted.isEmpty() || wanted.contains(t.name()))
                    .toList());
            if (!wanted.isEmpty() && faults.isHostile("DescribeInstanceTypes", Hostile.FOREIGN_UNDER_FILTER)) {
                // the InstanceType list is not applied: three other types (of another architecture) are listed
                // too, first
                String arch = listed.get(0).arch();
                listed.addAll(0, types.stream().filter(t -> !wanted.contains(t.name()) && !t.arch().equals(arch))
                        .limit(3).toList());
            }
            if (wanted.isEmpty() && faults.isHostile("DescribeInstanceTypes", Hostile.GARBAGE_NUMBERS)) {
                listed.add(0, new Type("m5.garbage-cpu", "x86_64", -4, 8192, 0, null, false, false));
                listed.add(1, new Type("m5.garbage-mem", "x86_64", 2, 0, 0, null, false, false));
                listed.add(2, new Type("m5.garbage-huge", "x86_64", 2_000_000, 8192, 0, null, false, false));
            }
            Paged<Type> page = page("DescribeInstanceTypes", maybeTwice("DescribeInstanceTypes", listed), f, 100, 100);
            if (page == null) {
                return badToken(f);
            }
            StringBuilder b = new StringBuilder("<instanceTypeSet>");
            for (Type t : page.items()) {
                b.append("<item>").append(el("instanceType", t.name())).append(el("currentGeneration", true))
                        .append("<processorInfo><supportedArchitectures>").append(el("item", t.arch()))
                        .append("</supportedArchitectures>");
                if (t.sevSnp()) {
                    b.append("<supportedFeatures>").append(el("item", "amd-sev-snp")).append("</supportedFeatures>");
                }
                b.append("</processorInfo><vCpuInfo>").append(el("defaultVCpus", t.vcpus())).append("</vCpuInfo>")
                        .append("<memoryInfo>").append(el("sizeInMiB", t.memMiB())).append("</memoryInfo>");
                if (t.gpus() > 0) {
                    b.append("<gpuInfo><gpus><item>").append(el("name", t.gpuName()))
                            .append(el("manufacturer", "NVIDIA")).append(el("count", t.gpus()))
                            .append("</item></gpus></gpuInfo>");
                }
                b.append(el("nitroEnclavesSupport", t.enclaves() ? "supported" : "unsupported")).append("</item>");
            }
            b.append("</instanceTypeSet>").append(page.nextTokenXml());
            return ok("DescribeInstanceTypes", b.toString());
        }

        ResponseDefinition describeSecurityGroups(Map<String, String> f) {
            List<String> ids = list(f, "GroupId");
            Map<String, List<String>> filters = filters(f);
            StringBuilder b = new StringBuilder("<securityGroupInfo>");
            for (Group g : groups.values()) {
                if (!ids.isEmpty() && !ids.contains(g.id)) {
                    continue;
                }
                boolean match = true;
                for (Map.Entry<String, List<String>> e : filters.entrySet()) {
                    String actual = e.getKey().startsWith("tag:") ? g.tags.get(e.getKey().substring(4))
                            : switch (e.getKey()) {
                                case "group-name" -> g.name;
                                case "group-id" -> g.id;
                                case "vpc-id" -> g.vpcId;
                                default -> "\u0000invalid";
                            };
                    if ("\u0000invalid".equals(actual)) {
                        return error(400, "InvalidParameterValue", "The filter '" + e.getKey() + "' is invalid");
                    }
                    match &= actual != null && e.getValue().stream().anyMatch(p -> glob(p, actual));
                }
                if (!match) {
                    continue;
                }
                b.append("<item>").append(el("ownerId", OWNER)).append(el("groupId", g.id))
                        .append(el("groupName", g.name)).append(el("groupDescription", g.description))
                        .append(el("vpcId", g.vpcId)).append("<ipPermissions>");
                for (Rule r : g.rules) {
                    b.append("<item>").append(el("ipProtocol", r.protocol())).append(el("fromPort", r.from()))
                            .append(el("toPort", r.to())).append("<ipRanges><item>").append(el("cidrIp", r.cidr()))
                            .append("</item></ipRanges></item>");
                }
                b.append("</ipPermissions>").append(tagSet(g.tags)).append("</item>");
            }
            return ok("DescribeSecurityGroups", b.append("</securityGroupInfo>").toString());
        }

        /** The key pairs of {@code region}: its own and those seeded for every region (@code "*"). */
        Map<String, KeyPair> keyPairsIn(String region) {
            Map<String, KeyPair> all = new LinkedHashMap<>(keyPairs.getOrDefault("*", Map.of()));
            all.putAll(keyPairs.getOrDefault(region, Map.of()));
            return all;
        }

        /** A key pair the account already has (made outside this service), e.g. a configured key-name. */
        void seedKeyPair(String region, String name, String publicKey) {
            keyPairs.computeIfAbsent(region, r -> new LinkedHashMap<>()).put(name, new KeyPair("key-" + hex(17), name,
                    publicKey, fingerprint(publicKey), Map.of()));
        }

        static String fingerprint(String publicKey) {
            try {
                String[] parts = publicKey.strip().split("\\s+");
                byte[] blob = java.util.Base64.getDecoder().decode(parts[1]);
                return java.util.Base64.getEncoder().withoutPadding().encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest(blob)) + "=";
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        ResponseDefinition describeKeyPairs(Map<String, String> f, String region) {
            Map<String, KeyPair> here = keyPairsIn(region);
            List<String> names = list(f, "KeyName");
            for (String n : names) {
                if (!here.containsKey(n)) {
                    return error(400, "InvalidKeyPair.NotFound", "The key pair '" + n + "' does not exist");
                }
            }
            Map<String, List<String>> filters = filters(f);
            boolean withKey = "true".equals(f.get("IncludePublicKey"));
            StringBuilder b = new StringBuilder("<keySet>");
            for (KeyPair k : here.values()) {
                if (!names.isEmpty() && !names.contains(k.name())) {
                    continue;
                }
                boolean match = true;
                for (Map.Entry<String, List<String>> e : filters.entrySet()) {
                    String actual = e.getKey().startsWith("tag:") ? k.tags().get(e.getKey().substring(4))
                            : switch (e.getKey()) {
                                case "key-name" -> k.name();
                                case "key-pair-id" -> k.id();
                                case "fingerprint" -> k.fingerprint();
                                default -> "\u0000invalid";
                            };
                    if ("\u0000invalid".equals(actual)) {
                        return error(400, "InvalidParameterValue", "The filter '" + e.getKey() + "' is invalid");
                    }
                    match &= actual != null && e.getValue().stream().anyMatch(p -> glob(p, actual));
                }
                if (match) {
                    b.append("<item>").append(el("keyPairId", k.id())).append(el("keyName", k.name()))
                            .append(el("keyFingerprint", k.fingerprint())).append(el("keyType",
                                    k.publicKey().startsWith("ssh-ed25519") ? "ed25519" : "rsa"))
                            .append(withKey ? el("publicKey", k.publicKey()) : "").append(tagSet(k.tags()))
                            .append("</item>");
                }
            }
            return ok("DescribeKeyPairs", b.append("</keySet>").toString());
        }

        /** ImportKeyPair: the material is the base64 of an OpenSSH public key line (ssh-ed25519 or ssh-rsa). */
        ResponseDefinition importKeyPair(Map<String, String> f, String region) {
            String name = f.getOrDefault("KeyName", "");
            String material;
            try {
                material = new String(java.util.Base64.getDecoder().decode(f.getOrDefault("PublicKeyMaterial", "")),
                        StandardCharsets.US_ASCII).strip();
            } catch (IllegalArgumentException e) {
                return error(400, "InvalidKey.Format", "Key is not in valid OpenSSH public key format");
            }
            if (!material.matches("(ssh-ed25519|ssh-rsa) [A-Za-z0-9+/]+=*( .*)?")) {
                return error(400, "InvalidKey.Format", "Key is not in valid OpenSSH public key format");
            }
            if (name.isEmpty() || name.length() > 255) {
                return error(400, "InvalidParameterValue", "Invalid value '" + name + "' for keyName");
            }
            Map<String, KeyPair> here = keyPairs.computeIfAbsent(region, r -> new LinkedHashMap<>());
            if (keyPairsIn(region).containsKey(name)) {
                return error(400, "InvalidKeyPair.Duplicate", "The keypair already exists");
            }
            KeyPair k = new KeyPair("key-" + hex(17), name, material, fingerprint(material),
                    Map.copyOf(tagSpec(f, "key-pair")));
            here.put(name, k);
            return ok("ImportKeyPair", el("keyFingerprint", k.fingerprint()) + el("keyName", name)
                    + el("keyPairId", k.id()) + tagSet(k.tags()));
        }

        ResponseDefinition createSecurityGroup(Map<String, String> f) {
            String vpc = f.getOrDefault("VpcId", DEFAULT_VPC);
            String name = f.get("GroupName");
            if (groups.values().stream().anyMatch(g -> g.name.equals(name) && g.vpcId.equals(vpc))) {
                return error(400, "InvalidGroup.Duplicate", "The security group '" + name + "' already exists for "
                        + "VPC '" + vpc + "'");
            }
            Group g = new Group();
            g.id = "sg-" + hex(17);
            g.name = name;
            g.description = f.get("GroupDescription");
            g.vpcId = vpc;
            g.tags.putAll(tagSpec(f, "security-group"));
            groups.put(g.id, g);
            return ok("CreateSecurityGroup", el("return", true) + el("groupId", g.id) + tagSet(g.tags));
        }

        ResponseDefinition authorize(Map<String, String> f) {
            Group g = groups.get(f.getOrDefault("GroupId", ""));
            if (g == null) {
                return error(400, "InvalidGroup.NotFound", "The security group '" + f.get("GroupId")
                        + "' does not exist");
            }
            List<Rule> add = new ArrayList<>();
            for (int i = 1; f.containsKey("IpPermissions." + i + ".IpProtocol"); i++) {
                String p = "IpPermissions." + i + ".";
                for (int j = 1; f.containsKey(p + "IpRanges." + j + ".CidrIp"); j++) {
                    add.add(new Rule(f.get(p + "IpProtocol"), Integer.parseInt(f.getOrDefault(p + "FromPort", "-1")),
                            Integer.parseInt(f.getOrDefault(p + "ToPort", "-1")), f.get(p + "IpRanges." + j + ".CidrIp")));
                }
            }
            for (Rule r : add) {
                if (g.rules.contains(r)) {
                    return error(400, "InvalidPermission.Duplicate", "the specified rule \"peer: " + r.cidr()
                            + ", TCP, from port: " + r.from() + ", to port: " + r.to() + ", ALLOW\" already exists");
                }
            }
            g.rules.addAll(add);
            StringBuilder b = new StringBuilder(el("return", true)).append("<securityGroupRuleSet>");
            for (Rule r : add) {
                b.append("<item>").append(el("securityGroupRuleId", "sgr-" + hex(17))).append(el("groupId", g.id))
                        .append(el("isEgress", false)).append(el("ipProtocol", r.protocol()))
                        .append(el("fromPort", r.from())).append(el("toPort", r.to())).append(el("cidrIpv4", r.cidr()))
                        .append("</item>");
            }
            return ok("AuthorizeSecurityGroupIngress", b.append("</securityGroupRuleSet>").toString());
        }

        ResponseDefinition runInstances(Map<String, String> f, String region) {
            String token = f.get("ClientToken");
            if (token != null && tokens.containsKey(token)) {
                String rid = tokens.get(token);
                return ok("RunInstances", reservationBody(rid, instances.values().stream()
                        .filter(i -> i.reservationId.equals(rid)).toList()));
            }
            Optional<Image> image = images.stream().filter(i -> i.id().equals(f.get("ImageId"))).findFirst();
            if (image.isEmpty()) {
                return error(400, "InvalidAMIID.NotFound", "The image id '[" + f.get("ImageId") + "]' does not exist");
            }
            Optional<Type> type = types.stream().filter(t -> t.name().equals(f.get("InstanceType"))).findFirst();
            if (type.isEmpty()) {
                return error(400, "InvalidParameterValue", "Invalid value '" + f.get("InstanceType")
                        + "' for InstanceType.");
            }
            if (!type.get().arch().equals(image.get().arch())) {
                return error(400, "InvalidParameterValue", "The architecture '" + type.get().arch() + "' of the "
                        + "specified instance type does not match the architecture '" + image.get().arch()
                        + "' of the specified AMI.");
            }
            for (String g : list(f, "SecurityGroupId")) {
                if (!groups.containsKey(g)) {
                    return error(400, "InvalidGroup.NotFound", "The security group '" + g + "' does not exist");
                }
            }
            String zone = f.getOrDefault("Placement.AvailabilityZone", region + "a");
            if (!zone.startsWith(region) || zone.length() != region.length() + 1) {
                return error(400, "InvalidParameterValue", "Invalid availability zone: [" + zone + "]");
            }
            if ("true".equals(f.get("EnclaveOptions.Enabled")) && !type.get().enclaves()) {
                return error(400, "UnsupportedOperation", "Nitro Enclaves is not supported for the specified "
                        + "instance type.");
            }
            if ("enabled".equals(f.get("CpuOptions.AmdSevSnp")) && !type.get().sevSnp()) {
                return error(400, "UnsupportedOperation", "AMD SEV-SNP is not supported for the specified "
                        + "instance type.");
            }
            String keyName = f.get("KeyName");
            if (keyName != null && !keyPairsIn(region).containsKey(keyName)) {
                return error(400, "InvalidKeyPair.NotFound", "The key pair '" + keyName + "' does not exist");
            }
            Inst i = new Inst();
            i.id = "i-" + hex(17);
            i.reservationId = "r-" + hex(17);
            i.region = region;
            i.type = type.get().name();
            i.arch = type.get().arch();
            i.imageId = image.get().id();
            i.zone = zone;
            i.keyName = f.get("KeyName");
            i.groupIds.addAll(list(f, "SecurityGroupId"));
            i.tags.putAll(tagSpec(f, "instance"));
            i.clientToken = token;
            i.spot = "spot".equals(f.get("InstanceMarketOptions.MarketType"));
            i.enclave = "true".equals(f.get("EnclaveOptions.Enabled"));
            i.sevSnp = "enabled".equals(f.get("CpuOptions.AmdSevSnp"));
            i.rootDevice = f.getOrDefault("BlockDeviceMapping.1.DeviceName", image.get().rootDevice());
            i.volumeSize = Integer.parseInt(f.getOrDefault("BlockDeviceMapping.1.Ebs.VolumeSize", "8"));
            i.launched = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            int n = instances.size() + 10;
            i.privateIp = "172.31." + (n / 250) + "." + (n % 250 + 4);
            i.publicIp = "203.0.113." + (n % 250 + 4);
            i.failReason = failNextLaunch;
            failNextLaunch = null;
            instances.put(i.id, i);
            if (token != null) {
                tokens.put(token, i.reservationId);
            }
            return ok("RunInstances", reservationBody(i.reservationId, List.of(i)));
        }

        String reservationBody(String rid, List<Inst> in) {
            StringBuilder b = new StringBuilder(el("reservationId", rid)).append(el("ownerId", OWNER))
                    .append("<groupSet/><instancesSet>");
            in.forEach(i -> b.append(instanceXml(i)));
            return b.append("</instancesSet>").toString();
        }

        static int code(String state) {
            return switch (state) {
                case "pending" -> 0;
                case "running" -> 16;
                case "shutting-down" -> 32;
                case "terminated" -> 48;
                case "stopping" -> 64;
                default -> 80;
            };
        }

        String instanceXml(Inst i) {
            StringBuilder b = new StringBuilder("<item>").append(el("instanceId", i.id)).append(el("imageId", i.imageId))
                    .append("<instanceState>").append(el("code", code(i.state))).append(el("name", i.state))
                    .append("</instanceState>")
                    .append(el("privateDnsName", "ip-" + i.privateIp.replace('.', '-') + ".ec2.internal"))
                    .append(el("dnsName", i.state.equals("running") ? "ec2-" + i.publicIp.replace('.', '-')
                            + ".compute-1.amazonaws.com" : ""))
                    .append(el("reason", "")).append(el("keyName", i.keyName)).append(el("amiLaunchIndex", 0))
                    .append(el("instanceType", i.type)).append(el("launchTime", i.launched.toString()))
                    .append("<placement>").append(el("availabilityZone", i.zone)).append(el("groupName", ""))
                    .append(el("tenancy", "default")).append("</placement>")
                    .append("<monitoring>").append(el("state", "disabled")).append("</monitoring>")
                    .append(el("subnetId", "subnet-0" + i.zone.charAt(i.zone.length() - 1) + "1234567890abcd"))
                    .append(el("vpcId", DEFAULT_VPC));
            if (!i.state.equals("terminated")) {
                b.append(el("privateIpAddress", i.privateIp));
            }
            if (i.state.equals("running")) {
                b.append(el("ipAddress", i.publicIp));
            }
            b.append(el("sourceDestCheck", true)).append("<groupSet>");
            for (String g : i.groupIds) {
                b.append("<item>").append(el("groupId", g)).append(el("groupName", groups.containsKey(g)
                        ? groups.get(g).name : "")).append("</item>");
            }
            b.append("</groupSet>").append(el("architecture", i.arch)).append(el("rootDeviceType", "ebs"))
                    .append(el("rootDeviceName", i.rootDevice)).append("<blockDeviceMapping>");
            if (!i.state.equals("terminated")) {
                b.append("<item>").append(el("deviceName", i.rootDevice)).append("<ebs>")
                        .append(el("volumeId", "vol-0" + i.id.substring(3))).append(el("status", "attached"))
                        .append(el("attachTime", i.launched.toString())).append(el("deleteOnTermination", true))
                        .append("</ebs></item>");
            }
            b.append("</blockDeviceMapping>");
            if (i.spot) {
                b.append(el("instanceLifecycle", "spot")).append(el("spotInstanceRequestId", "sir-" + i.id.substring(2, 10)));
            }
            if (i.failReason != null && i.state.equals("terminated")) {
                b.append("<stateReason>").append(el("code", i.failReason))
                        .append(el("message", i.failReason + ": the instance could not be launched."))
                        .append("</stateReason>");
            }
            b.append(el("virtualizationType", "hvm")).append(el("clientToken", i.clientToken == null ? ""
                    : i.clientToken)).append(tagSet(i.tags)).append(el("hypervisor", "xen"))
                    .append("<enclaveOptions>").append(el("enabled", i.enclave)).append("</enclaveOptions>");
            if (i.sevSnp) {
                b.append("<cpuOptions>").append(el("amdSevSnp", "enabled")).append("</cpuOptions>");
            }
            return b.append("</item>").toString();
        }

        ResponseDefinition describeInstances(Map<String, String> f, String region) {
            List<String> ids = list(f, "InstanceId");
            for (String id : ids) {
                if (!INSTANCE_ID.matcher(id).matches()) {
                    return error(400, "InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\"");
                }
                Inst i = instances.get(id);
                if (i == null || !i.region.equals(region)) {
                    return error(400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
                }
            }
            Map<String, List<String>> filters = filters(f);
            // FOREIGN_UNDER_FILTER: neither the tag filters nor the InstanceId list are applied (an instance
            // without the tag, or another instance than the one asked for, is listed too)
            boolean ignoreTags = faults.isHostile("DescribeInstances", Hostile.FOREIGN_UNDER_FILTER);
            List<Inst> matching = new ArrayList<>();
            for (Inst i : instances.values()) {
                if (!i.region.equals(region) || (!ids.isEmpty() && !ids.contains(i.id) && !ignoreTags)) {
                    continue;
                }
                advance(i);
                boolean match = true;
                for (Map.Entry<String, List<String>> e : filters.entrySet()) {
                    String actual = e.getKey().startsWith("tag:") ? i.tags.get(e.getKey().substring(4))
                            : switch (e.getKey()) {
                                case "instance-state-name" -> i.state;
                                case "instance-id" -> i.id;
                                case "client-token" -> i.clientToken;
                                case "availability-zone" -> i.zone;
                                default -> "\u0000invalid";
                            };
                    if ("\u0000invalid".equals(actual)) {
                        return error(400, "InvalidParameterValue", "The filter '" + e.getKey() + "' is invalid");
                    }
                    if (!(ignoreTags && e.getKey().startsWith("tag:"))) {
                        match &= actual != null && e.getValue().stream().anyMatch(p -> glob(p, actual));
                    }
                }
                if (match) {
                    matching.add(i);
                }
            }
            // Without MaxResults EC2 answers every match at once.
            Paged<Inst> page = page("DescribeInstances", maybeTwice("DescribeInstances", matching), f, 0, 1000);
            if (page == null) {
                return badToken(f);
            }
            Map<String, List<Inst>> byReservation = new LinkedHashMap<>();
            page.items().forEach(i -> byReservation.computeIfAbsent(i.reservationId, k -> new ArrayList<>()).add(i));
            StringBuilder b = new StringBuilder("<reservationSet>");
            byReservation.forEach((rid, in) -> b.append("<item>").append(reservationBody(rid, in)).append("</item>"));
            return ok("DescribeInstances", b.append("</reservationSet>").append(page.nextTokenXml()).toString());
        }

        /** Every read moves an instance one step along pending → running and shutting-down → terminated. */
        static void advance(Inst i) {
            if (i.state.equals("pending")) {
                if (i.failReason != null) {
                    i.state = "terminated";
                } else if (i.reads++ >= 1) {
                    i.state = "running";
                }
            } else if (i.state.equals("shutting-down")) {
                i.state = "terminated";
            }
        }

        ResponseDefinition terminateInstances(Map<String, String> f, String region) {
            List<String> ids = list(f, "InstanceId");
            StringBuilder b = new StringBuilder("<instancesSet>");
            for (String id : ids) {
                if (!INSTANCE_ID.matcher(id).matches()) {
                    return error(400, "InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\"");
                }
                Inst i = instances.get(id);
                if (i == null || !i.region.equals(region)) {
                    return error(400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
                }
            }
            for (String id : ids) {
                Inst i = instances.get(id);
                String previous = i.state;
                if (!previous.equals("terminated")) {
                    i.state = "shutting-down";
                }
                b.append("<item>").append(el("instanceId", id)).append("<currentState>")
                        .append(el("code", code(i.state))).append(el("name", i.state)).append("</currentState>")
                        .append("<previousState>").append(el("code", code(previous))).append(el("name", previous))
                        .append("</previousState></item>");
            }
            return ok("TerminateInstances", b.append("</instancesSet>").toString());
        }

        ResponseDefinition createTags(Map<String, String> f) {
            for (String id : list(f, "ResourceId")) {
                Inst i = instances.get(id);
                Group g = groups.get(id);
                if (i == null && g == null) {
                    return error(400, id.startsWith("i-") ? "InvalidInstanceID.NotFound" : "InvalidID",
                            "The ID '" + id + "' does not exist");
                }
                for (int j = 1; f.containsKey("Tag." + j + ".Key"); j++) {
                    (i != null ? i.tags : g.tags).put(f.get("Tag." + j + ".Key"), f.getOrDefault("Tag." + j
                            + ".Value", ""));
                }
            }
            return ok("CreateTags", el("return", true));
        }
    }
}

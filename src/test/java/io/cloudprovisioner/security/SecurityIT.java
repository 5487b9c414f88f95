package io.cloudprovisioner.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.RawGrpc;
import io.cloudprovisioner.api.v1.BlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CatalogServiceGrpc;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.GetInstanceDetailsRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ListProvidersRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisionedInstance;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.smallrye.jwt.build.Jwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application with both mechanisms configured (API keys and JWT bearer tokens), against the
 * DigitalOcean stand-in, called by a real grpc-java client: every RPC of the three services against every kind of
 * credential, ownership of records between principals, open health, secrets kept out of the log.
 */
public class SecurityIT {
    static final Path DIR = Path.of("target/security-it");
    static final String ISSUER = "https://issuer.security-it.test";
    static final String AUDIENCE = "cloud-provisioner";

    static DigitalOceanStandInResource resource;
    static DigitalOceanStandIn standIn;
    static AppProcess app;
    static KeyPair keys;
    static final Map<String, String> KEY = new LinkedHashMap<>(); // principal -> API key (the sentinels)
    static final List<String> SECRETS = new ArrayList<>();

    /** The least role of each RPC, as the README's roles table states it. */
    static final Map<String, String> ROLE = Map.ofEntries(
            Map.entry("ListProviders", "viewer"), Map.entry("ListInstanceTypes", "viewer"),
            Map.entry("MapInstanceType", "viewer"), Map.entry("EstimateCost", "viewer"),
            Map.entry("SelectProvider", "viewer"), Map.entry("DiscoverMachineTypes", "viewer"),
            Map.entry("ProvisionInstance", "operator"), Map.entry("TerminateInstance", "operator"),
            Map.entry("GetInstanceStatus", "viewer"), Map.entry("GetInstanceDetails", "viewer"),
            Map.entry("ListInstances", "viewer"), Map.entry("Reconcile", "admin"),
            Map.entry("DeployBlueprint", "operator"), Map.entry("DeployBlueprintToTarget", "operator"),
            Map.entry("HealthCheckBlueprint", "viewer"), Map.entry("CleanupBlueprint", "operator"),
            Map.entry("AutoDeploy", "operator"));

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(DIR);
        resource = new DigitalOceanStandInResource();
        Map<String, String> cfg = new HashMap<>(resource.start());
        standIn = DigitalOceanStandInResource.standIn();
        Map<String, String> env = Map.of("DIGITALOCEAN_TOKEN", cfg.remove("DIGITALOCEAN_TOKEN"));

        StringBuilder file = new StringBuilder("# principal roles hash\n");
        for (String[] p : new String[][] {{"viewer-vic", "viewer"}, {"op-olga", "operator"},
                {"op-otto", "operator"}, {"admin-ada", "admin"}}) {
            String key = ApiKeyHash.newKey();
            KEY.put(p[0], key);
            SECRETS.add(key);
            file.append(p[0]).append(' ').append(p[1]).append(' ').append(ApiKeyHash.hash(key)).append('\n');
        }
        Path keysFile = DIR.resolve("api-keys");
        Files.writeString(keysFile, file);

        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        Path pem = DIR.resolve("jwt-public.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");

        cfg.put("cloudprovisioner.security.api-keys-file", keysFile.toAbsolutePath().toString());
        cfg.put("mp.jwt.verify.publickey.location", "file:" + pem.toAbsolutePath());
        cfg.put("mp.jwt.verify.issuer", ISSUER);
        cfg.put("mp.jwt.verify.audiences", AUDIENCE);
        app = AppProcess.start("secured", cfg, env, DIR);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (resource != null) {
            resource.stop();
        }
    }

    static String token(String upn, Set<String> groups, Function<io.smallrye.jwt.build.JwtClaimsBuilder,
            io.smallrye.jwt.build.JwtClaimsBuilder> tweak) {
        String t = tweak.apply(Jwt.issuer(ISSUER).upn(upn).groups(groups).audience(AUDIENCE)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(300))).sign(keys.getPrivate());
        SECRETS.add(t);
        return t;
    }

    static Channel with(String header, String value) {
        if (header == null) {
            return app.channel();
        }
        Metadata m = new Metadata();
        m.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), value);
        return ClientInterceptors.intercept(app.channel(), MetadataUtils.newAttachHeadersInterceptor(m));
    }

    static Channel apiKey(String principal) {
        return with("x-api-key", KEY.get(principal));
    }

    static Channel bearer(String token) {
        return with("authorization", "Bearer " + token);
    }

    static List<MethodDescriptor<?, ?>> everyRpc() {
        List<MethodDescriptor<?, ?>> all = new ArrayList<>();
        all.addAll(CatalogServiceGrpc.getServiceDescriptor().getMethods());
        all.addAll(ProvisioningServiceGrpc.getServiceDescriptor().getMethods());
        all.addAll(BlueprintServiceGrpc.getServiceDescriptor().getMethods());
        return all;
    }

    /** An empty request to {@code m} over {@code ch}: how the call ended. */
    static Status call(Channel ch, MethodDescriptor<?, ?> m) {
        return RawGrpc.call(ch, RawGrpc.method(m.getFullMethodName(), m.getType()), 30_000, new byte[0]).status();
    }

    @Test
    void everyRpcAgainstEveryKindOfCredential() {
        List<MethodDescriptor<?, ?>> rpcs = everyRpc();
        assertEquals(17, rpcs.size(), "the three services have 17 RPCs");
        String noRole = token("jwt-nobody", Set.of(), b -> b);
        Map<String, Channel> refused = new LinkedHashMap<>();
        refused.put("no credential", app.channel());
        refused.put("malformed token", with("authorization", "Bearer malformed-SENTINEL-token"));
        refused.put("expired token", bearer(token("jwt-late", Set.of("admin"), b -> b
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)))));
        refused.put("wrong audience", bearer(token("jwt-elsewhere", Set.of("admin"), b -> b.audience("another"))));
        refused.put("unknown API key", with("x-api-key", "cpk_unknownSENTINELkey000000000000000000000000"));
        refused.put("too long a principal", bearer(token("p".repeat(513), Set.of("admin"), b -> b)));
        SECRETS.add("malformed-SENTINEL-token");
        SECRETS.add("cpk_unknownSENTINELkey000000000000000000000000");
        Map<String, Channel> smaller = Map.of("viewer", bearer(noRole), "operator", apiKey("viewer-vic"),
                "admin", apiKey("op-olga"));
        for (MethodDescriptor<?, ?> m : rpcs) {
            String rpc = m.getBareMethodName();
            String role = ROLE.get(rpc);
            assertTrue(role != null, rpc + " has a role in the table");
            refused.forEach((what, ch) -> {
                Status s = call(ch, m);
                assertEquals(Status.Code.UNAUTHENTICATED, s.getCode(), rpc + " with " + what + ": " + s);
                assertTrue(s.getDescription().contains("authorization: Bearer")
                        && s.getDescription().contains("x-api-key"), rpc + " names the accepted mechanisms: " + s);
            });
            Status denied = call(smaller.get(role), m);
            assertEquals(Status.Code.PERMISSION_DENIED, denied.getCode(), rpc + " with too small a role: " + denied);
            assertTrue(denied.getDescription().contains(rpc + " needs the role " + role), denied.toString());
            Status admin = call(apiKey("admin-ada"), m);
            assertNotEquals(Status.Code.UNAUTHENTICATED, admin.getCode(), rpc + " as admin: " + admin);
            assertNotEquals(Status.Code.PERMISSION_DENIED, admin.getCode(), rpc + " as admin: " + admin);
        }
        // the least role is enough: a viewer reads the catalog, a JWT with the operator role provisions
        assertEquals(Status.Code.OK, call(apiKey("viewer-vic"), CatalogServiceGrpc.getListProvidersMethod())
                .getCode());
        ProvisionInstanceResponse made = ProvisioningServiceGrpc.newBlockingStub(bearer(token("jwt-jo",
                Set.of("operator"), b -> b))).withDeadlineAfter(60, TimeUnit.SECONDS).provisionInstance(
                        request("jwt-made-1"));
        assertFalse(made.getInstance().getId().isEmpty());
    }

    static ProvisionInstanceRequest request(String id) {
        return ProvisionInstanceRequest.newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN)
                .setRegion("nyc3").setInstanceType("s-1vcpu-1gb").setClientRequestId(id).build();
    }

    static ProvisioningServiceGrpc.ProvisioningServiceBlockingStub api(Channel ch) {
        return ProvisioningServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static Status.Code code(Runnable r) {
        try {
            r.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    static List<String> listed(Channel ch) {
        return api(ch).listInstances(ListInstancesRequest.newBuilder().setIncludeEnded(true).build())
                .getInstancesList().stream().map(ProvisionedInstance::getId).toList();
    }

    @Test
    void ownersSeeAndTouchOnlyTheirOwnRecordsAndRequestIdsArePerPrincipal() {
        int creates = standIn.calls("droplets.create").size();
        ProvisionedInstance olga = api(apiKey("op-olga")).provisionInstance(request("shared-id-1")).getInstance();
        ProvisionInstanceResponse ottoMade = api(apiKey("op-otto")).provisionInstance(request("shared-id-1"));
        ProvisionedInstance otto = ottoMade.getInstance();
        assertFalse(ottoMade.getReplayed(), "another principal's id is not replayed");
        assertNotEquals(olga.getId(), otto.getId(), "two principals, one id: two instances");
        assertEquals(creates + 2, standIn.calls("droplets.create").size());
        assertEquals("shared-id-1", otto.getClientRequestId(), "the caller's own id comes back");
        // the same principal again: replayed, not created again
        assertTrue(api(apiKey("op-otto")).provisionInstance(request("shared-id-1")).getReplayed());
        assertEquals(creates + 2, standIn.calls("droplets.create").size());

        Channel o = apiKey("op-olga");
        assertTrue(listed(o).contains(olga.getId()));
        assertFalse(listed(o).contains(otto.getId()), "another owner's instance is not listed");
        assertFalse(listed(apiKey("viewer-vic")).contains(olga.getId()));
        assertTrue(listed(apiKey("admin-ada")).containsAll(List.of(olga.getId(), otto.getId())), "admin sees all");

        String id = otto.getId();
        StatusRuntimeException notMine = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> api(o).getInstanceStatus(GetInstanceStatusRequest.newBuilder().setProvider(
                        CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3").setInstanceId(id).build()));
        assertEquals(Status.Code.NOT_FOUND, notMine.getStatus().getCode());
        StatusRuntimeException none = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> api(o).getInstanceStatus(GetInstanceStatusRequest.newBuilder().setProvider(
                        CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3").setInstanceId("999999991")
                        .build()));
        assertEquals(notMine.getStatus().getDescription().replace(id, "ID"),
                none.getStatus().getDescription().replace("999999991", "ID"),
                "another's instance answers exactly as a missing one");
        assertEquals(Status.Code.NOT_FOUND, code(() -> api(o).getInstanceDetails(GetInstanceDetailsRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceId(id).build())));
        int deletes = standIn.calls("droplets.delete").size();
        assertEquals(Status.Code.NOT_FOUND, code(() -> api(o).terminateInstance(TerminateInstanceRequest.newBuilder()
                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3").setInstanceId(id)
                .setClientRequestId("olga-kills-otto").build())));
        assertEquals(deletes, standIn.calls("droplets.delete").size(), "nothing was deleted");
        // the owner can, and one principal's termination id does not answer for another's
        assertEquals(Status.Code.OK, code(() -> api(apiKey("op-otto")).getInstanceStatus(GetInstanceStatusRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceId(id).build())));
        assertEquals(Status.Code.OK, code(() -> api(apiKey("op-otto")).terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceId(id).setClientRequestId("end-1").build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> api(o).terminateInstance(TerminateInstanceRequest
                .newBuilder().setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                .setInstanceId(id).setClientRequestId("end-1").build())), "otto's id replays nothing for olga");
    }

    @Test
    void aDeploymentSeesOnlyTheCallersOwnInstancesAndDeployments() {
        ProvisionedInstance olga = api(apiKey("op-olga")).provisionInstance(request("deploy-owner-1")).getInstance();
        var otto = io.cloudprovisioner.api.v1.BlueprintServiceGrpc.newBlockingStub(apiKey("op-otto"))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        io.cloudprovisioner.api.v1.Blueprint bp = io.cloudprovisioner.api.v1.Blueprint.newBuilder().setId("web")
                .setImage("localhost/cp-test:1").addPorts(io.cloudprovisioner.api.v1.BlueprintPort.newBuilder()
                        .setContainerPort(8080)).build();
        // otto deploying onto olga's instance: not found, exactly as an instance the ledger does not have (nothing is
        // checked or contacted on the host)
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> otto.deployBlueprint(io.cloudprovisioner.api.v1.DeployBlueprintRequest.newBuilder()
                        .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                        .setInstanceId(olga.getId()).setBlueprint(bp).setClientRequestId("otto-on-olga").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains("is not one this service created"),
                e.getStatus().getDescription());
        assertEquals(Status.Code.NOT_FOUND, code(() -> otto.healthCheckBlueprint(
                io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest.newBuilder().setBlueprintId("web")
                        .setTarget(io.cloudprovisioner.api.v1.DeploymentTarget.newBuilder()
                                .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                                .setInstanceId(olga.getId())).build())));
    }

    @Test
    void healthIsOpenEvenWithABadCredential() throws Exception {
        for (Channel ch : List.of(app.channel(), with("authorization", "Bearer malformed-SENTINEL-token"),
                with("x-api-key", "cpk_unknownSENTINELkey000000000000000000000000"))) {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus());
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + app.grpcPort() + "/q/health/ready")).header("authorization",
                        "Bearer malformed-SENTINEL-token").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void reflectionListsTheApiWithoutACredential() {
        byte[] list = io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build()
                .toByteArray();
        RawGrpc.Outcome out = RawGrpc.call(app.channel(), RawGrpc.method(
                "grpc.reflection.v1.ServerReflection/ServerReflectionInfo", MethodDescriptor.MethodType.BIDI_STREAMING),
                10_000, list);
        assertEquals(Status.Code.OK, out.code(), out.status().toString());
        String names = new String(out.responses().get(0), StandardCharsets.UTF_8);
        assertTrue(names.contains("cloudprovisioner.v1.ProvisioningService"), names);
    }

    @Test
    void mutatingCallsAreAuditedAndNoCredentialReachesTheLog() throws Exception {
        api(apiKey("op-olga")).provisionInstance(request("audited-1"));
        assertEquals(Status.Code.OK, code(() -> CatalogServiceGrpc.newBlockingStub(apiKey("viewer-vic"))
                .listProviders(ListProvidersRequest.getDefaultInstance())));
        // the refusals of the matrix put every kind of credential on the wire; none may be logged
        for (MethodDescriptor<?, ?> m : List.of(ProvisioningServiceGrpc.getProvisionInstanceMethod(),
                CatalogServiceGrpc.getListProvidersMethod())) {
            call(with("authorization", "Bearer malformed-SENTINEL-token"), m);
            call(with("x-api-key", "cpk_unknownSENTINELkey000000000000000000000000"), m);
            call(apiKey("viewer-vic"), m);
            call(bearer(token("jwt-jo", Set.of("operator"), b -> b)), m);
        }
        SECRETS.add("malformed-SENTINEL-token");
        SECRETS.add("cpk_unknownSENTINELkey000000000000000000000000");
        Thread.sleep(300); // the log is written by the child process
        String log = Files.readString(app.log());
        String line = log.lines().filter(l -> l.contains("audit rpc=ProvisionInstance principal=op-olga "
                + "client_request_id=audited-1 ")).findFirst().orElseThrow(() -> new AssertionError(
                        "no audit line for audited-1"));
        assertTrue(line.contains("provider=CLOUD_PROVIDER_DIGITALOCEAN") && line.contains("outcome=OK")
                && !line.contains("instance=-"), line);
        assertTrue(log.contains("audit rpc=ProvisionInstance principal=- client_request_id=- provider=- "
                + "instance=- outcome=UNAUTHENTICATED"), "refused mutating calls are audited too");
        assertFalse(log.contains("audit rpc=ListProviders"), "reads are not audited");
        for (String secret : SECRETS) {
            assertFalse(log.contains(secret), "a credential is in the log: " + secret.substring(0, 8) + "...");
        }
        for (String hash : Files.readAllLines(DIR.resolve("api-keys"))) {
            if (!hash.startsWith("#")) {
                assertFalse(log.contains(hash.split(" ")[2]), "a key hash is in the log");
            }
        }
    }
}

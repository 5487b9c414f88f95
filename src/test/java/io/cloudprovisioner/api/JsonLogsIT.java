package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.InstanceStatus;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.StandIn;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import io.cloudprovisioner.security.ApiKeyHash;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application with QUARKUS_LOG_CONSOLE_JSON_ENABLED=true: every line it writes is one JSON object, and
 * the lines a provisioning call writes (the adapter's, the audit line) carry the call's request id, principal and
 * rpc in "mdc"; no line carries the API key or the provider token. /q/metrics answers a loopback client.
 */
public class JsonLogsIT {
    static DigitalOceanStandInResource resource;
    static Map<String, String> props;
    static String token;

    @BeforeAll
    static void standIn() {
        resource = new DigitalOceanStandInResource();
        props = new HashMap<>(resource.start());
        token = props.remove("DIGITALOCEAN_TOKEN");
    }

    @AfterAll
    static void stop() {
        resource.stop();
    }

    @Test
    void everyLineIsJsonAndTheCallsLinesNameItsRequestAndPrincipal() throws Exception {
        Path dir = Path.of("target/json-logs-it/" + UUID.randomUUID());
        Files.createDirectories(dir);
        String key = ApiKeyHash.newKey();
        Path keys = dir.resolve("api-keys");
        Files.writeString(keys, "ops-json operator " + ApiKeyHash.hash(key) + "\n");
        Map<String, String> p = new HashMap<>(props);
        p.put("cloudprovisioner.data-dir", Path.of(StandIn.freshLedgerDir()).toAbsolutePath().toString());
        Map<String, String> env = Map.of("DIGITALOCEAN_TOKEN", token, "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true",
                "CLOUDPROVISIONER_API_KEYS_FILE", keys.toAbsolutePath().toString());
        String requestId = "json-log-" + UUID.randomUUID();
        Path log;
        try (AppProcess app = AppProcess.start("json-logs", p, env, dir)) {
            log = app.log();
            Metadata h = new Metadata();
            h.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
            var api = ProvisioningServiceGrpc.newBlockingStub(app.channel())
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            var made = api.provisionInstance(ProvisionInstanceRequest.newBuilder()
                    .setProvider(CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN).setRegion("nyc3")
                    .setInstanceType("s-1vcpu-1gb").setClientRequestId(requestId).build()).getInstance();
            assertEquals(InstanceStatus.INSTANCE_STATUS_RUNNING, made.getStatus());
            api.terminateInstance(TerminateInstanceRequest.newBuilder().setProvider(made.getProvider())
                    .setRegion("nyc3").setInstanceId(made.getId()).build());

            PrometheusScrape metrics = PrometheusScrape.get(app.grpcPort());
            assertEquals(1, metrics.value("cloudprovisioner_provisions_total", "provider", "digitalocean",
                    "region", "nyc3", "outcome", "success"));
            assertEquals(1, metrics.value("grpc_server_processing_duration_seconds_count", "method",
                    "ProvisionInstance", "statusCode", "OK"));
        }

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertTrue(n.isObject() && n.hasNonNull("message") && n.hasNonNull("level"), line);
            assertFalse(line.contains(key), "the API key in a log line: " + line);
            assertFalse(line.contains(token), "the provider token in a log line: " + line);
            lines.add(n);
        }
        assertTrue(lines.size() > 5, "the app logged its start: " + lines.size() + " lines");

        List<JsonNode> ofCall = lines.stream().filter(n -> n.get("message").asText().contains(requestId)).toList();
        assertTrue(ofCall.size() >= 2, "the adapter's line and the audit line name the request: " + ofCall);
        assertTrue(ofCall.stream().anyMatch(n -> n.get("message").asText().startsWith("audit rpc=ProvisionInstance")),
                ofCall.toString());
        for (JsonNode n : ofCall) {
            JsonNode mdc = n.path("mdc");
            assertEquals(requestId, mdc.path("request_id").asText(), n.toString());
            assertEquals("ops-json", mdc.path("principal").asText(), n.toString());
            assertEquals("ProvisionInstance", mdc.path("rpc").asText(), n.toString());
        }
        // lines outside a call (start, shutdown) carry no call fields; every line inside one carries all three
        for (JsonNode n : lines) {
            JsonNode mdc = n.path("mdc");
            if (mdc.has("rpc")) {
                assertFalse(mdc.path("request_id").asText().isEmpty(), n.toString());
                assertFalse(mdc.path("principal").asText().isEmpty(), n.toString());
            }
        }
        assertTrue(lines.stream().anyMatch(n -> n.get("message").asText().contains("started in")
                && !n.path("mdc").has("rpc")), "the start line has no call fields");
    }
}

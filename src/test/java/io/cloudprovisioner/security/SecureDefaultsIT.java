package io.cloudprovisioner.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ProvisioningServiceGrpc;
import io.cloudprovisioner.harness.AppProcess;
import io.cloudprovisioner.harness.StandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Secure defaults of the packaged application: without authentication it binds loopback only and serves every
 * RPC without credentials (local mode); a non-loopback bind without authentication stops the start before the
 * port is opened, saying what to configure, unless the insecure switch is set (which warns).
 */
public class SecureDefaultsIT {
    static final Path DIR = Path.of("target/secure-defaults-it");

    @Test
    void theDefaultStartBindsLoopbackOnlyAndNeedsNoCredential() throws Exception {
        try (AppProcess app = AppProcess.start("default", Map.of("cloudprovisioner.data-dir",
                StandIn.freshLedgerDir()), Map.of(), DIR)) {
            ProvisioningServiceGrpc.newBlockingStub(app.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listInstances(ListInstancesRequest.getDefaultInstance()); // local mode: admin without a key
            String log = Files.readString(app.log());
            assertTrue(log.contains("Listening on: http://127.0.0.1:" + app.grpcPort()), log);
            assertFalse(log.contains("0.0.0.0"), "nothing else is bound");
            assertEquals(io.grpc.Status.Code.OK, reflection(app), "reflection is on for loopback");
        }
    }

    @Test
    void aNonLoopbackBindWithoutAuthenticationDoesNotStart() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AppProcess.start("exposed",
                Map.of("quarkus.http.host", "0.0.0.0", "cloudprovisioner.data-dir", StandIn.freshLedgerDir()),
                Map.of(), DIR));
        assertTrue(e.getMessage().contains("exited with"), e.getMessage());
        String log = Files.readString(DIR.resolve("exposed-1.log"));
        assertTrue(log.contains("refusing to listen on 0.0.0.0 without authentication: configure API keys "
                + "(cloudprovisioner.security.api-keys-file) and/or JWT verification"), log);
        assertTrue(log.contains("cloudprovisioner.security.insecure=true"), log);
        assertFalse(log.contains("Listening on"), "the check runs before the port is opened");
    }

    @Test
    void theInsecureSwitchStartsWithAWarning() throws Exception {
        try (AppProcess app = AppProcess.start("insecure", Map.of("quarkus.http.host", "0.0.0.0",
                "cloudprovisioner.security.insecure", "true", "cloudprovisioner.data-dir", StandIn.freshLedgerDir()),
                Map.of(), DIR)) {
            String log = Files.readString(app.log());
            assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains(
                    "cloudprovisioner.security.insecure=true: the service listens on 0.0.0.0 WITHOUT authentication")),
                    log);
            assertEquals(true, app.alive());
            assertEquals(io.grpc.Status.Code.UNIMPLEMENTED, reflection(app), "no reflection off loopback by default");
        }
    }

    static io.grpc.Status.Code reflection(AppProcess app) {
        byte[] list = io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build()
                .toByteArray();
        return io.cloudprovisioner.api.RawGrpc.call(app.channel(), io.cloudprovisioner.api.RawGrpc.method(
                "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING), 10_000, list).code();
    }
}

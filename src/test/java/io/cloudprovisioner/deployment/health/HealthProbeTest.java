package io.cloudprovisioner.deployment.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probe says what it checked and what it got: HTTP 2xx is healthy, anything else (or nothing) is not. */
class HealthProbeTest {
    final HealthProbe probe = new HealthProbe(Duration.ofSeconds(2));

    @Test
    void httpStatusDecides() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", x -> {
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/sick", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            HealthProbe.Result ok = probe.probe("127.0.0.1", port, "/health");
            assertTrue(ok.healthy());
            assertEquals("HTTP GET http://127.0.0.1:" + port + "/health: status 204", ok.detail());
            HealthProbe.Result sick = probe.probe("127.0.0.1", port, "/sick");
            assertFalse(sick.healthy());
            assertEquals("HTTP GET http://127.0.0.1:" + port + "/sick: status 503 (expected 2xx)", sick.detail());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void tcpConnectWithoutAPathAndRefusedPorts() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            HealthProbe.Result ok = probe.probe("127.0.0.1", port, "");
            assertTrue(ok.healthy());
            assertEquals("TCP connect to 127.0.0.1:" + port + ": connected", ok.detail());
            closed = port;
        }
        HealthProbe.Result refused = probe.probe("127.0.0.1", closed, "");
        assertFalse(refused.healthy());
        assertTrue(refused.detail().startsWith("TCP connect to 127.0.0.1:" + closed + ": connection refused"),
                refused.detail());
        HealthProbe.Result httpRefused = probe.probe("127.0.0.1", closed, "/health");
        assertFalse(httpRefused.healthy());
        assertTrue(httpRefused.detail().startsWith("HTTP GET http://127.0.0.1:" + closed + "/health: "),
                httpRefused.detail());
    }
}

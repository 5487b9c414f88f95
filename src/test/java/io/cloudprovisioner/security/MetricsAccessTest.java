package io.cloudprovisioner.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

/** Which peers /q/metrics answers by default (loopback only); the packaged app's answer is in JsonLogsIT. */
class MetricsAccessTest {
    @Test
    void onlyLoopbackPeersAreLoopback() {
        assertTrue(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "127.0.0.1")));
        assertTrue(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "127.3.2.1")));
        assertTrue(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "::1")));
        assertTrue(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "::ffff:127.0.0.1")));
        assertFalse(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "::ffff:10.0.0.7")));
        assertFalse(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "10.0.0.7")));
        assertFalse(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "192.168.1.2")));
        assertFalse(MetricsAccess.loopback(SocketAddress.inetSocketAddress(5000, "fe80::1")));
        assertFalse(MetricsAccess.loopback(SocketAddress.domainSocketAddress("/tmp/x.sock")));
        assertFalse(MetricsAccess.loopback(null));
    }
}

package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.provider.RestErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.ws.rs.ProcessingException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vultr error classification from its {"error", "status"} bodies, without HTTP. */
class VultrErrorsTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    static final String SECRET = "VULTRSECRETKEY";

    static ProviderException http(int status, String error, Map<String, String> headers) {
        return VultrErrors.fromHttp(status, "{\"error\":\"" + error + "\",\"status\":" + status + "}", headers::get,
                SECRET, CLOCK);
    }

    static void assertClass(ProviderException e, ErrorClass c, ErrorScope s) {
        assertEquals(c, e.errorClass(), e.getMessage());
        assertEquals(s, e.scope(), e.getMessage());
    }

    @Test
    void everyClass() {
        ProviderException rl = http(429, "Rate limit reached", Map.of("retry-after", "2"));
        assertClass(rl, ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER);
        assertEquals(Duration.ofSeconds(2), ((RestErrors.RateLimited) rl).retryAfter());
        assertClass(http(500, "Internal error", Map.of()), ErrorClass.TRANSIENT, ErrorScope.PROVIDER);
        assertClass(http(503, "Unavailable", Map.of()), ErrorClass.TRANSIENT, ErrorScope.PROVIDER);
        assertClass(http(400, "Plan is not available in the selected region.", Map.of()), ErrorClass.CAPACITY,
                ErrorScope.REGION);
        assertClass(http(400, "Server add failed: You have reached the maximum number of instances", Map.of()),
                ErrorClass.QUOTA, ErrorScope.PROVIDER);
        assertClass(http(401, "Invalid API token.", Map.of()), ErrorClass.AUTH, ErrorScope.PROVIDER);
        assertClass(http(403, "Unauthorized IP address", Map.of()), ErrorClass.AUTH, ErrorScope.PROVIDER);
        assertClass(http(400, "Invalid plan.", Map.of()), ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST);
        assertClass(http(422, "Invalid os_id.", Map.of()), ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST);
        ProviderException nf = http(404, "Invalid instance-id.", Map.of());
        assertClass(nf, ErrorClass.NOT_FOUND, ErrorScope.REQUEST);
        assertEquals("http_404", nf.providerCode());
        assertClass(VultrErrors.classify(new ProcessingException(new ConnectException("Connection refused")), SECRET),
                ErrorClass.TRANSIENT, ErrorScope.PROVIDER);
    }

    @Test
    void theKeyIsScrubbed() {
        ProviderException e = http(400, "bad key " + SECRET, Map.of());
        assertFalse(e.getMessage().contains(SECRET));
        assertTrue(e.getMessage().contains("HTTP 400"));
    }
}

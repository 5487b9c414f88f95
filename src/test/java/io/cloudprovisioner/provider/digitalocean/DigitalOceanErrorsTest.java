package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.provider.RestErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.ws.rs.ProcessingException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DigitalOcean error classification, without HTTP. */
class DigitalOceanErrorsTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    static final String SECRET = "dop_v1_secret";

    static ProviderException http(int status, String body, Map<String, String> headers) {
        return DigitalOceanErrors.fromHttp(status, body, headers::get, SECRET, CLOCK);
    }

    static ProviderException http(int status, String id, String message) {
        return http(status, "{\"id\":\"" + id + "\",\"message\":\"" + message + "\",\"request_id\":\"r1\"}", Map.of());
    }

    static void assertClass(ProviderException e, ErrorClass c, ErrorScope s) {
        assertEquals(c, e.errorClass(), e.getMessage());
        assertEquals(s, e.scope(), e.getMessage());
    }

    @Test
    void throttlingIsRateLimitedWithTheResetHint() {
        ProviderException e = http(429, "{\"id\":\"too_many_requests\",\"message\":\"API rate limit exceeded.\"}",
                Map.of("ratelimit-reset", Long.toString(1_700_000_042), "ratelimit-remaining", "0"));
        assertClass(e, ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER);
        assertTrue(e.retryable());
        assertEquals("too_many_requests", e.providerCode());
        assertEquals(Duration.ofSeconds(42), assertInstanceOf(RestErrors.RateLimited.class, e).retryAfter());
        assertTrue(e.getMessage().contains("resets in 42 s"), e.getMessage());
        ProviderException ra = http(429, "", Map.of("retry-after", "7"));
        assertEquals(Duration.ofSeconds(7), ((RestErrors.RateLimited) ra).retryAfter());
    }

    @Test
    void serverErrorsAndTransportFailuresAreTransient() {
        assertClass(http(500, "server_error", "Unexpected server-side error"), ErrorClass.TRANSIENT,
                ErrorScope.PROVIDER);
        assertClass(http(503, "<html>bad gateway</html>", Map.of()), ErrorClass.TRANSIENT, ErrorScope.PROVIDER);
        ProviderException refused = DigitalOceanErrors.classify(new ProcessingException(new ConnectException(
                "Connection refused: 127.0.0.1/127.0.0.1:1")), SECRET);
        assertClass(refused, ErrorClass.TRANSIENT, ErrorScope.PROVIDER);
        assertEquals("connection_refused", refused.providerCode());
        ProviderException slow = DigitalOceanErrors.classify(new ProcessingException(new SocketTimeoutException()),
                SECRET);
        assertEquals("timeout", slow.providerCode());
    }

    @Test
    void capacityQuotaAuthValidationAndNotFound() {
        assertClass(http(422, "unprocessable_entity", "Size is not available in this region."),
                ErrorClass.CAPACITY, ErrorScope.REGION);
        assertClass(http(422, "unprocessable_entity", "creating this/these droplet(s) will exceed your droplet limit"),
                ErrorClass.QUOTA, ErrorScope.PROVIDER);
        assertClass(http(401, "unauthorized", "Unable to authenticate you."), ErrorClass.AUTH, ErrorScope.PROVIDER);
        assertClass(http(403, "forbidden", "You do not have access for the attempted action."), ErrorClass.AUTH,
                ErrorScope.PROVIDER);
        assertClass(http(422, "unprocessable_entity", "You specified an invalid size for Droplet creation."),
                ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST);
        assertClass(http(400, "bad_request", "malformed"), ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST);
        ProviderException nf = http(404, "not_found", "The resource you were accessing could not be found.");
        assertClass(nf, ErrorClass.NOT_FOUND, ErrorScope.REQUEST);
        assertEquals("not_found", nf.providerCode());
        assertFalse(nf.retryable());
    }

    @Test
    void theTokenIsScrubbedAndLongMessagesCut() {
        ProviderException e = http(400, "bad_request", "echo " + SECRET + " " + "x".repeat(500));
        assertFalse(e.getMessage().contains(SECRET));
        assertTrue(e.getMessage().length() < 400);
    }

    @Test
    void anAlreadyClassifiedErrorPassesThrough() {
        ProviderException pe = http(404, "not_found", "gone");
        assertEquals(pe, DigitalOceanErrors.classify(pe, SECRET));
        assertEquals(pe, DigitalOceanErrors.classify(new RuntimeException(pe), SECRET));
    }
}

package io.cloudprovisioner.provider.digitalocean;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.digitalocean.dto.ErrorBody;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Classifies every DigitalOcean error once: HTTP status, the error body's {@code id} and its message wording, and
 * transport failures. Messages carry DigitalOcean's own id and message (never request headers) and are scrubbed of
 * the token all the same.
 */
public final class DigitalOceanErrors {
    /** Account limits: "creating this/these droplet(s) will exceed your droplet limit". */
    static final Pattern QUOTA = Pattern.compile(
            "(?i)droplet limit|will exceed|exceeds? (your|the)|limit reached|reached the maximum|maximum number|quota");
    /** Capacity: "Size is not available in this region.", "region is unavailable", out of stock. */
    static final Pattern CAPACITY = Pattern.compile(
            "(?i)not available|unavailable|out of stock|sold out|insufficient capacity|no capacity");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;

    private DigitalOceanErrors() {
    }

    /** A RATE_LIMITED error with the wait DigitalOcean asked for (retry-after or ratelimit-reset). */
    public static final class RateLimited extends ProviderException {
        private final Duration retryAfter;

        RateLimited(String code, String message, Duration retryAfter) {
            super(Provider.DIGITALOCEAN, ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, code, message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * An HTTP error answer.
     *
     * @param header response header by (case-insensitive) name, null when absent
     * @param secret the token, scrubbed from the message should it ever appear
     */
    public static ProviderException fromHttp(int status, String body, Function<String, String> header, String secret,
            Clock clock) {
        ErrorBody err = parse(body);
        String code = err.id() == null || err.id().isBlank() ? "http_" + status : err.id();
        String text = err.message() == null || err.message().isBlank() ? "HTTP " + status : err.message();
        String msg = scrub(truncate(text) + " (" + code + ", HTTP " + status + ")", secret);
        if (status == 429 || "too_many_requests".equals(code)) {
            Duration wait = retryAfter(header, clock).orElse(Duration.ofSeconds(1));
            return new RateLimited(code, msg + "; rate limit resets in " + Math.max(1, wait.toSeconds()) + " s",
                    wait);
        }
        if (status >= 500) {
            return ex(ErrorClass.TRANSIENT, ErrorScope.PROVIDER, code, msg);
        }
        if (status == 401 || status == 403) {
            return ex(ErrorClass.AUTH, ErrorScope.PROVIDER, code, msg);
        }
        if (status == 404) {
            return ex(ErrorClass.NOT_FOUND, ErrorScope.REQUEST, code, msg);
        }
        if (status == 422 || status == 400 || status == 409) {
            if (QUOTA.matcher(text).find()) {
                return ex(ErrorClass.QUOTA, ErrorScope.PROVIDER, code, msg);
            }
            if (CAPACITY.matcher(text).find()) {
                return ex(ErrorClass.CAPACITY, ErrorScope.REGION, code, msg);
            }
        }
        if (status == 408) {
            return ex(ErrorClass.TRANSIENT, ErrorScope.PROVIDER, code, msg);
        }
        return ex(ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, code, msg);
    }

    /** Anything the REST client threw: already classified, an unmapped HTTP error, or a transport failure. */
    public static ProviderException classify(Throwable t, String secret) {
        if (t instanceof ProviderException pe) {
            return pe;
        }
        if (t.getCause() instanceof ProviderException pe) {
            return pe;
        }
        if (t instanceof WebApplicationException wae && wae.getResponse() != null) {
            Response r = wae.getResponse();
            return fromHttp(r.getStatus(), readBody(r), r::getHeaderString, secret, Clock.systemUTC());
        }
        boolean timeout = false;
        boolean refused = false;
        StringBuilder chain = new StringBuilder();
        for (Throwable c = t; c != null && chain.length() < 200; c = c.getCause() == c ? null : c.getCause()) {
            String n = c.getClass().getSimpleName();
            chain.append(chain.length() == 0 ? "" : " <- ").append(n);
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(java.util.Locale.ROOT);
            timeout |= c instanceof SocketTimeoutException || c instanceof TimeoutException || n.contains("Timeout")
                    || m.contains("timeout") || m.contains("timed out");
            refused |= c instanceof ConnectException || m.contains("connection refused");
        }
        String kind = timeout ? "timed out" : refused ? "connection refused"
                : t instanceof ProcessingException ? "transport failure" : "unexpected client failure";
        // Exception types only, never their text: a transport message may quote URLs; keep it short.
        return new ProviderException(Provider.DIGITALOCEAN, ErrorClass.TRANSIENT, ErrorScope.PROVIDER,
                timeout ? "timeout" : refused ? "connection_refused" : "transport",
                "DigitalOcean API call " + kind + " (" + chain + ")", t);
    }

    static Optional<Duration> retryAfter(Function<String, String> header, Clock clock) {
        String ra = header.apply("retry-after");
        if (ra != null) {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(ra.trim()))));
            } catch (NumberFormatException ignored) {
                // an HTTP date: fall back to ratelimit-reset
            }
        }
        String reset = header.apply("ratelimit-reset");
        if (reset != null) {
            try {
                long at = Long.parseLong(reset.trim());
                return Optional.of(Duration.ofSeconds(Math.max(0, at - clock.instant().getEpochSecond())));
            } catch (NumberFormatException ignored) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static ProviderException ex(ErrorClass c, ErrorScope s, String code, String msg) {
        return new ProviderException(Provider.DIGITALOCEAN, c, s, code, msg);
    }

    private static ErrorBody parse(String body) {
        if (body == null || body.isBlank()) {
            return new ErrorBody(null, null, null);
        }
        try {
            return JSON.readValue(body, ErrorBody.class);
        } catch (Exception e) {
            return new ErrorBody(null, truncate(body.strip()), null);
        }
    }

    private static String readBody(Response r) {
        try {
            return r.hasEntity() ? r.readEntity(String.class) : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }

    static String scrub(String s, String secret) {
        return secret == null || secret.isEmpty() ? s : s.replace(secret, "***");
    }

    /** Turns every HTTP error answer of the REST client into a classified exception. */
    static final class Mapper implements ResponseExceptionMapper<ProviderException> {
        private final String secret;

        Mapper(String secret) {
            this.secret = secret;
        }

        @Override
        public ProviderException toThrowable(Response response) {
            return fromHttp(response.getStatus(), readBody(response), response::getHeaderString, secret,
                    Clock.systemUTC());
        }

        @Override
        public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
            return status >= 400;
        }
    }
}

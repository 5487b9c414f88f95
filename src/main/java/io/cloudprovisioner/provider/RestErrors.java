package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Error classification shared by the providers spoken to over plain REST + JSON (DigitalOcean, Vultr): HTTP status,
 * the provider's own error code and wording, rate-limit hints, and transport failures. Each provider's XxxErrors
 * parses its own error body and supplies its quota / capacity wording; the rules here are the same for both.
 */
public final class RestErrors {
    private static final int MAX_MESSAGE = 300;

    private RestErrors() {
    }

    /** A RATE_LIMITED error carrying the wait the provider asked for (retry-after or its reset header). */
    public static final class RateLimited extends ProviderException {
        private final Duration retryAfter;

        public RateLimited(Provider provider, String code, String message, Duration retryAfter) {
            super(provider, ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, code, message, null, retryAfter, false);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** The provider's wording for account limits and for capacity shortages. */
    public record Wording(Pattern quota, Pattern capacity) {
    }

    /**
     * An HTTP error answer.
     *
     * @param code the provider's error code ("http_<status>" when it gives none)
     * @param text the provider's message ("HTTP <status>" when it gives none)
     * @param header response header by (case-insensitive) name, null when absent
     * @param secret the credential, scrubbed from the message should it ever appear
     */
    public static ProviderException fromHttp(Provider provider, int status, String code, String text,
            Function<String, String> header, String secret, Clock clock, Wording wording) {
        String msg = scrub(truncate(text) + " (" + code + ", HTTP " + status + ")", secret);
        if (status == 429 || "too_many_requests".equals(code)) {
            Duration wait = retryAfter(header, clock).orElse(Duration.ofSeconds(1));
            return new RateLimited(provider, code, msg + "; rate limit resets in " + Math.max(1, wait.toSeconds())
                    + " s", wait);
        }
        if (status >= 500 || status == 408) {
            return new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.PROVIDER, code, msg);
        }
        if (status == 401 || status == 403) {
            return new ProviderException(provider, ErrorClass.AUTH, ErrorScope.PROVIDER, code, msg);
        }
        if (status == 404) {
            return new ProviderException(provider, ErrorClass.NOT_FOUND, ErrorScope.REQUEST, code, msg);
        }
        if (status == 422 || status == 400 || status == 409) {
            if (wording.quota().matcher(text).find()) {
                return new ProviderException(provider, ErrorClass.QUOTA, ErrorScope.PROVIDER, code, msg);
            }
            if (wording.capacity().matcher(text).find()) {
                return new ProviderException(provider, ErrorClass.CAPACITY, ErrorScope.REGION, code, msg);
            }
        }
        return new ProviderException(provider, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, code, msg);
    }

    /**
     * Anything the REST client threw: already classified, an unmapped HTTP error (handed to {@code fromResponse}),
     * or a transport failure (TRANSIENT, naming exception types only: a transport message may quote URLs).
     */
    public static ProviderException classify(Provider provider, Throwable t,
            Function<Response, ProviderException> fromResponse) {
        if (t instanceof ProviderException pe) {
            return pe;
        }
        if (t.getCause() instanceof ProviderException pe) {
            return pe;
        }
        if (t instanceof WebApplicationException wae && wae.getResponse() != null) {
            return fromResponse.apply(wae.getResponse());
        }
        boolean timeout = false;
        boolean refused = false;
        StringBuilder chain = new StringBuilder();
        for (Throwable c = t; c != null && chain.length() < 200; c = c.getCause() == c ? null : c.getCause()) {
            String n = c.getClass().getSimpleName();
            chain.append(chain.length() == 0 ? "" : " <- ").append(n);
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            timeout |= c instanceof SocketTimeoutException || c instanceof TimeoutException || n.contains("Timeout")
                    || m.contains("timeout") || m.contains("timed out");
            refused |= c instanceof ConnectException || m.contains("connection refused");
        }
        String kind = timeout ? "timed out" : refused ? "connection refused"
                : t instanceof ProcessingException ? "transport failure" : "unexpected client failure";
        return new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.PROVIDER,
                timeout ? "timeout" : refused ? "connection_refused" : "transport",
                provider.displayName() + " API call " + kind + " (" + chain + ")", t);
    }

    /** The wait a rate-limited answer asks for: retry-after seconds, else the ratelimit-reset epoch second. */
    public static Optional<Duration> retryAfter(Function<String, String> header, Clock clock) {
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

    public static String readBody(Response r) {
        try {
            return r.hasEntity() ? r.readEntity(String.class) : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    public static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }

    public static String scrub(String s, String secret) {
        return secret == null || secret.isEmpty() ? s : s.replace(secret, "***");
    }
}

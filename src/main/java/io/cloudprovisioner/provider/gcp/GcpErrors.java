package io.cloudprovisioner.provider.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.auth.Retryable;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies every Compute Engine failure once: HTTP errors (gax {@link ApiException} with the JSON error body of the
 * underlying {@link HttpResponseException}: {@code error.code}, {@code error.errors[].reason}) and operation errors
 * ({@code Operation.error.errors[].code}, e.g. ZONE_RESOURCE_POOL_EXHAUSTED, QUOTA_EXCEEDED).
 */
public final class GcpErrors {
    /** Operation error codes meaning "no capacity for this type in this zone": the next zone may have it. */
    static final Set<String> ZONE_CAPACITY = Set.of("ZONE_RESOURCE_POOL_EXHAUSTED",
            "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "RESOURCE_NOT_AVAILABLE", "RESOURCE_UNAVAILABLE");
    private static final Set<String> RATE_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded",
            "RATE_LIMIT_EXCEEDED");
    private static final Set<String> QUOTA_REASONS = Set.of("quotaExceeded", "QUOTA_EXCEEDED");
    private static final Pattern SECRETISH = Pattern.compile(
            "(?i)(bearer\\s+\\S+|ya29\\.[\\w.-]+|-----BEGIN[^-]*-----[^-]*-----END[^-]*-----|access_token\\S*)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 400;

    private GcpErrors() {
    }

    /** Classifies an exception thrown by a client call ({@code operation} as "instances.insert", where = zone...). */
    public static ProviderException classify(Throwable t, String operation, String where) {
        if (t instanceof ProviderException p) {
            return p;
        }
        String ctx = operation + (where == null || where.isEmpty() ? "" : " in " + where);
        // google-auth's GoogleAuthException (package-private) is Retryable: a failed token exchange.
        Retryable auth = find(t, Retryable.class);
        if (auth != null) {
            return auth.isRetryable()
                    ? ex(ErrorClass.TRANSIENT, ErrorScope.PROVIDER, "tokenEndpoint", ctx
                            + ": the OAuth token endpoint failed", t)
                    : ex(ErrorClass.AUTH, ErrorScope.PROVIDER, "authError", ctx
                            + ": the credentials were refused by the OAuth token endpoint", t);
        }
        HttpResponseException http = find(t, HttpResponseException.class);
        if (http != null) {
            Body body = parse(http.getContent());
            int status = http.getStatusCode();
            String message = body.message().isEmpty() ? http.getStatusMessage() : body.message();
            return byHttp(status, body.reason(), message, ctx, t);
        }
        if (t instanceof ApiException api) {
            // No HTTP response body (connection refused, timeout, or a 401 the JDK turned into
            // HttpRetryException): the gax code is all there is.
            StatusCode sc = api.getStatusCode();
            return byCode(sc.getCode(), ctx + ": " + safe(api.getMessage()), t);
        }
        return ex(ErrorClass.TRANSIENT, ErrorScope.PROVIDER, t.getClass().getSimpleName(),
                ctx + ": " + t.getClass().getSimpleName(), t);
    }

    /** The classified error of a finished operation, empty when it succeeded. */
    public static Optional<ProviderException> fromOperation(Operation op, String operation, String where) {
        if (!op.hasError() || op.getError().getErrorsCount() == 0) {
            if (op.hasHttpErrorStatusCode() && op.getHttpErrorStatusCode() >= 400) {
                return Optional.of(byHttp(op.getHttpErrorStatusCode(), "", op.getHttpErrorMessage(),
                        operation + " in " + where, null));
            }
            return Optional.empty();
        }
        Errors first = op.getError().getErrors(0);
        String code = first.getCode();
        String ctx = operation + " in " + where + ": " + safe(first.getMessage());
        if (ZONE_CAPACITY.contains(code)) {
            return Optional.of(ex(ErrorClass.CAPACITY, ErrorScope.ZONE, code, ctx, null));
        }
        if ("QUOTA_EXCEEDED".equals(code)) {
            return Optional.of(ex(ErrorClass.QUOTA, quotaScope(first.getMessage()), code, ctx, null));
        }
        if (RATE_REASONS.contains(code)) {
            return Optional.of(ex(ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, code, ctx, null));
        }
        int status = op.hasHttpErrorStatusCode() ? op.getHttpErrorStatusCode() : 0;
        if (status >= 400) {
            ProviderException p = byHttp(status, code, first.getMessage(), operation + " in " + where, null);
            return Optional.of(ex(p.errorClass(), p.scope(), code, ctx, null));
        }
        return Optional.of(ex(ErrorClass.TRANSIENT, ErrorScope.ZONE, code, ctx, null));
    }

    /** Whether the next zone of the region may succeed where this one failed. */
    public static boolean tryNextZone(ProviderException e) {
        return e.errorClass() == ErrorClass.CAPACITY && e.scope() == ErrorScope.ZONE;
    }

    static ProviderException byHttp(int status, String reason, String message, String ctx, Throwable cause) {
        String code = reason == null || reason.isEmpty() ? "HTTP " + status : reason;
        String msg = ctx + ": " + safe(message);
        if (status == 429 || RATE_REASONS.contains(reason)) {
            return ex(ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, code, msg, cause);
        }
        if (QUOTA_REASONS.contains(reason)) {
            return ex(ErrorClass.QUOTA, quotaScope(message), code, msg, cause);
        }
        if (status == 401 || status == 403) {
            return ex(ErrorClass.AUTH, ErrorScope.PROVIDER, code, msg, cause);
        }
        if (status == 404) {
            return ex(ErrorClass.NOT_FOUND, ErrorScope.REQUEST, code, msg, cause);
        }
        if (status >= 500 || status == 408) {
            return ex(ErrorClass.TRANSIENT, ErrorScope.PROVIDER, code, msg, cause);
        }
        return ex(ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, code, msg, cause);
    }

    static ProviderException byCode(StatusCode.Code code, String msg, Throwable cause) {
        String c = code.name();
        return switch (code) {
            case RESOURCE_EXHAUSTED -> ex(ErrorClass.RATE_LIMITED, ErrorScope.PROVIDER, c, msg, cause);
            case UNAUTHENTICATED, PERMISSION_DENIED -> ex(ErrorClass.AUTH, ErrorScope.PROVIDER, c, msg, cause);
            case NOT_FOUND -> ex(ErrorClass.NOT_FOUND, ErrorScope.REQUEST, c, msg, cause);
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS, UNIMPLEMENTED ->
                    ex(ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, c, msg, cause);
            // UNKNOWN is how gax reports a refused connection.
            default -> ex(ErrorClass.TRANSIENT, ErrorScope.PROVIDER, c, msg, cause);
        };
    }

    /** Quotas named ..._ALL_REGIONS or "global" block the whole project; the others one region. */
    static ErrorScope quotaScope(String message) {
        String m = message == null ? "" : message.toUpperCase(Locale.ROOT);
        return m.contains("ALL_REGIONS") || m.contains("GLOBAL") ? ErrorScope.PROVIDER : ErrorScope.REGION;
    }

    /** The provider's message without anything that looks like a credential, bounded in length. */
    static String safe(String message) {
        if (message == null) {
            return "";
        }
        String m = SECRETISH.matcher(message).replaceAll("[redacted]").replaceAll("\\s+", " ").trim();
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    private static ProviderException ex(ErrorClass c, ErrorScope s, String code, String msg, Throwable cause) {
        // The cause is kept for server-side diagnosis only; its text never reaches the API (ProviderErrors uses
        // getMessage()).
        return new ProviderException(Provider.GCP, c, s, code, msg, cause);
    }

    private static <T> T find(Throwable t, Class<T> type) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    record Body(String reason, String message) {
    }

    /** The Google JSON error body: {"error": {"code", "message", "errors": [{"reason", ...}], "status"}}. */
    static Body parse(String content) {
        if (content == null || content.isBlank()) {
            return new Body("", "");
        }
        try {
            JsonNode err = JSON.readTree(content).path("error");
            String reason = err.path("errors").path(0).path("reason").asText("");
            if (reason.isEmpty()) {
                reason = err.path("status").asText("");
            }
            return new Body(reason, err.path("message").asText(""));
        } catch (java.io.IOException | RuntimeException e) {
            return new Body("", "");
        }
    }
}

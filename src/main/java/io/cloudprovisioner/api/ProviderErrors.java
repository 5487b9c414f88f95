package io.cloudprovisioner.api;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.RetryInfo;
import io.cloudprovisioner.provider.ProviderException;
import io.grpc.StatusRuntimeException;
import java.util.Map;

/**
 * Maps a classified provider error to the API: the gRPC code follows the class, ErrorInfo carries reason (the
 * class), provider, scope and the provider's code, and RetryInfo is added where a retry makes sense.
 */
public final class ProviderErrors {
    private ProviderErrors() {
    }

    public static StatusRuntimeException toStatus(ProviderException e) {
        return toStatus(e, Map.of());
    }

    /** As {@link #toStatus(ProviderException)}, with more ErrorInfo metadata (e.g. the attempts made). */
    public static StatusRuntimeException toStatus(ProviderException e, Map<String, String> extra) {
        Map<String, String> meta = new java.util.LinkedHashMap<>(extra);
        meta.put("provider", e.provider().id());
        meta.put("scope", e.scope().name());
        meta.put("provider_code", e.providerCode());
        meta.put("retryable", Boolean.toString(e.retryable()));
        if (e.outcomeUnknown()) {
            meta.put("outcome", "unknown: the cloud may have acted; retry with the same client_request_id");
        }
        String msg = e.provider().displayName() + ": " + e.getMessage();
        return switch (e.errorClass()) {
            case CAPACITY, QUOTA -> ApiErrors.build(Code.RESOURCE_EXHAUSTED, msg, e.errorClass().name(), meta);
            case RATE_LIMITED, TRANSIENT -> ApiErrors.build(Code.UNAVAILABLE, msg, e.errorClass().name(), meta,
                    Any.pack(RetryInfo.newBuilder().setRetryDelay(retryDelay(e)).build()));
            case AUTH -> ApiErrors.build(Code.FAILED_PRECONDITION, msg, "AUTH", meta,
                    Any.pack(PreconditionFailure.newBuilder().addViolations(ApiErrors.precondition("CREDENTIALS",
                            "provider/" + e.provider().id(), "the provider refused the configured credentials"))
                            .build()));
            case INVALID_REQUEST -> ApiErrors.build(Code.INVALID_ARGUMENT, msg, "INVALID_REQUEST", meta);
            case NOT_FOUND -> ApiErrors.build(Code.NOT_FOUND, msg, "NOT_FOUND", meta);
        };
    }

    /** The provider's (or the breaker's) retry-after hint when there is one, else 5 s throttled / 1 s transient. */
    static Duration retryDelay(ProviderException e) {
        java.time.Duration d = e.retryAfterHint().orElse(java.time.Duration.ofSeconds(
                e.errorClass() == io.cloudprovisioner.provider.ErrorClass.RATE_LIMITED ? 5 : 1));
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }
}

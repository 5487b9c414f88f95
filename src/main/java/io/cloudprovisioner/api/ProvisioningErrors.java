package io.cloudprovisioner.api;

import com.google.rpc.Code;
import io.cloudprovisioner.provisioning.ProvisioningException;
import io.grpc.StatusRuntimeException;
import io.cloudprovisioner.quota.QuotaException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps the provisioning workflow's failures to the API's gRPC statuses (one place, for every RPC that provisions). */
final class ProvisioningErrors {
    private ProvisioningErrors() {
    }

    static StatusRuntimeException toStatus(ProvisioningException e) {
        return switch (e.kind()) {
            case INVALID_FIELD -> ApiErrors.invalidArgument(e.field(), e.detail());
            case NOT_FOUND -> ApiErrors.notFound(e.getMessage(), e.reason(), e.subjectType(), e.subject(),
                    e.metadata());
            case PRECONDITION -> ApiErrors.failedPrecondition(e.getMessage(), e.reason(), List.of(
                    ApiErrors.precondition(e.subjectType(), e.subject(), e.detail())), e.metadata());
            case ID_REUSED -> ApiErrors.build(Code.ALREADY_EXISTS, e.getMessage(), e.reason(), e.metadata());
            case BUSY -> ApiErrors.build(Code.ABORTED, e.getMessage(), e.reason(), e.metadata());
            case EXHAUSTED -> ApiErrors.build(Code.RESOURCE_EXHAUSTED, e.getMessage(), e.reason(), e.metadata());
            case CANCELLED -> ApiErrors.build(Code.CANCELLED, e.getMessage(), e.reason(), e.metadata());
            case NO_ADAPTER -> NotYetBuilt.provisioning(e.metadata().get("missing"));
            case PROVIDER -> ProviderErrors.toStatus(e.providerError(), e.metadata());
        };
    }

    /**
     * A quota or rate-limit refusal: RESOURCE_EXHAUSTED with a QuotaFailure (subject {@code principal:<name>}, the
     * limit, its value and the usage), the ErrorInfo reason of the limit and, for the rate limit, a RetryInfo.
     */
    static StatusRuntimeException toStatus(QuotaException e) {
        List<com.google.protobuf.Any> details = new java.util.ArrayList<>();
        details.add(com.google.protobuf.Any.pack(com.google.rpc.QuotaFailure.newBuilder().addViolations(
                com.google.rpc.QuotaFailure.Violation.newBuilder().setSubject(e.subject())
                        .setDescription(e.description())).build()));
        if (e.retryAfter() != null) {
            long nanos = Math.max(1_000_000, e.retryAfter().toNanos());
            details.add(com.google.protobuf.Any.pack(com.google.rpc.RetryInfo.newBuilder().setRetryDelay(
                    com.google.protobuf.Duration.newBuilder().setSeconds(nanos / 1_000_000_000L)
                            .setNanos((int) (nanos % 1_000_000_000L))).build()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("limit", e.limit().setting());
        meta.put("limit_value", e.limitValue());
        meta.put("usage", e.usage());
        return ApiErrors.build(Code.RESOURCE_EXHAUSTED, e.getMessage(), e.limit().reason(), meta,
                details.toArray(new com.google.protobuf.Any[0]));
    }
}

package io.cloudprovisioner.api;

import com.google.rpc.Code;
import io.cloudprovisioner.provisioning.ProvisioningException;
import io.grpc.StatusRuntimeException;
import java.util.List;

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
}

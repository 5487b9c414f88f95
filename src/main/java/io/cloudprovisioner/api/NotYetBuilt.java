package io.cloudprovisioner.api;

import io.grpc.StatusRuntimeException;
import java.util.Map;

/**
 * The UNIMPLEMENTED answer of RPCs whose machinery is scheduled but absent from this build, naming what is missing
 * and what works instead, so a caller can tell "not built" from "bad request".
 */
final class NotYetBuilt {
    private NotYetBuilt() {
    }

    static StatusRuntimeException provisioning(String what) {
        return ApiErrors.unimplemented(what + " is not part of this build. Working now: CatalogService and "
                + "ProvisioningService with the adapters this build includes (see ListProviders).",
                "PROVIDER_ADAPTER_MISSING", Map.of("missing", what));
    }

    static StatusRuntimeException deployment(String method) {
        return ApiErrors.unimplemented(method + " needs workload deployment (SSH + container runtime on the "
                + "instance, Kubernetes), which this build does not include yet. Working now: CatalogService "
                + "(MapInstanceType, EstimateCost, SelectProvider, ...) and ProvisioningService (ProvisionInstance, "
                + "TerminateInstance, GetInstanceStatus, GetInstanceDetails, ListInstances, Reconcile).",
                "DEPLOYMENT_MISSING", Map.of("method", method, "missing", "deployment"));
    }
}

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

    static StatusRuntimeException provisioning(String method) {
        return ApiErrors.unimplemented(method + " needs the provider adapters (cloud API clients) and the durable "
                + "ledger, which this build does not include yet. Working now: CatalogService (ListProviders, "
                + "ListInstanceTypes, MapInstanceType, EstimateCost, SelectProvider, DiscoverMachineTypes).",
                "PROVIDER_ADAPTERS_MISSING", Map.of("method", method, "missing", "provider adapters, ledger"));
    }

    static StatusRuntimeException deployment(String method) {
        return ApiErrors.unimplemented(method + " needs workload deployment (SSH + container runtime, Kubernetes) "
                + "on top of provisioning, which this build does not include yet. Working now: CatalogService "
                + "(MapInstanceType, EstimateCost, SelectProvider, ...).", "DEPLOYMENT_MISSING",
                Map.of("method", method, "missing", "provider adapters, ledger, deployment"));
    }
}

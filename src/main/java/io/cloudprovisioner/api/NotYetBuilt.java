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
        return ApiErrors.unimplemented(method + " needs provisioning and deployment in one call, which this build "
                + "does not include yet. Working now: CatalogService (MapInstanceType, EstimateCost, SelectProvider, "
                + "...), ProvisioningService (ProvisionInstance, TerminateInstance, GetInstanceStatus, "
                + "GetInstanceDetails, ListInstances, Reconcile) and BlueprintService on existing VM instances "
                + "(DeployBlueprint, DeployBlueprintToTarget with target.instance_id, HealthCheckBlueprint, "
                + "CleanupBlueprint) and on generic Kubernetes targets (a kubeconfig context).", "DEPLOYMENT_MISSING", Map.of("method", method, "missing", "deployment"));
    }

    /** A kind of deployment target (or a way of deploying) this build does not have yet. */
    static StatusRuntimeException deploymentTarget(String method, String what) {
        return ApiErrors.unimplemented(method + ": " + what + " is not part of this build. Working now: VM targets "
                + "that are existing instances created by this service (ProvisionInstance, then DeployBlueprint or "
                + "DeployBlueprintToTarget with target.instance_id), and DEPLOYMENT_TYPE_KUBERNETES targets (a context "
                + "of the service's kubeconfig in target.cluster).", "DEPLOYMENT_TARGET_MISSING",
                Map.of("method", method, "missing", what));
    }
}

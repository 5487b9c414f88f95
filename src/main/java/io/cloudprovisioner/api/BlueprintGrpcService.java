package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.AutoDeployRequest;
import io.cloudprovisioner.api.v1.AutoDeployResponse;
import io.cloudprovisioner.api.v1.MutinyBlueprintServiceGrpc;
import io.cloudprovisioner.api.v1.CleanupBlueprintRequest;
import io.cloudprovisioner.api.v1.CleanupBlueprintResponse;
import io.cloudprovisioner.api.v1.DeployBlueprintRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintResponse;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetRequest;
import io.cloudprovisioner.api.v1.DeployBlueprintToTargetResponse;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintRequest;
import io.cloudprovisioner.api.v1.HealthCheckBlueprintResponse;
import io.cloudprovisioner.security.Roles;
import io.quarkus.grpc.GrpcService;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Workload deployment endpoints; they answer UNIMPLEMENTED until provisioning and deployment land. */
@GrpcService
public class BlueprintGrpcService extends MutinyBlueprintServiceGrpc.BlueprintServiceImplBase {

    /** Requests are decoded by {@link RequestDecoding} (malformed ones answered INVALID_ARGUMENT). */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return RequestDecoding.guard(super.bindService());
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<DeployBlueprintResponse> deployBlueprint(DeployBlueprintRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.deployment("DeployBlueprint"));
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<DeployBlueprintToTargetResponse> deployBlueprintToTarget(DeployBlueprintToTargetRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.deployment("DeployBlueprintToTarget"));
    }

    @Override
    @RolesAllowed(Roles.VIEWER)
    public Uni<HealthCheckBlueprintResponse> healthCheckBlueprint(HealthCheckBlueprintRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.deployment("HealthCheckBlueprint"));
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Uni<CleanupBlueprintResponse> cleanupBlueprint(CleanupBlueprintRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.deployment("CleanupBlueprint"));
    }

    @Override
    @RolesAllowed(Roles.OPERATOR)
    public Multi<AutoDeployResponse> autoDeploy(AutoDeployRequest request) {
        return Multi.createFrom().failure(NotYetBuilt.deployment("AutoDeploy"));
    }
}

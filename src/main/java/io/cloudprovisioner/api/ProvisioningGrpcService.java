package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.GetInstanceDetailsRequest;
import io.cloudprovisioner.api.v1.GetInstanceDetailsResponse;
import io.cloudprovisioner.api.v1.GetInstanceStatusRequest;
import io.cloudprovisioner.api.v1.GetInstanceStatusResponse;
import io.cloudprovisioner.api.v1.ListInstancesRequest;
import io.cloudprovisioner.api.v1.ListInstancesResponse;
import io.cloudprovisioner.api.v1.ProvisionInstanceRequest;
import io.cloudprovisioner.api.v1.ProvisionInstanceResponse;
import io.cloudprovisioner.api.v1.ProvisioningService;
import io.cloudprovisioner.api.v1.TerminateInstanceRequest;
import io.cloudprovisioner.api.v1.TerminateInstanceResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Instance lifecycle endpoints; they answer UNIMPLEMENTED until the provider adapters and ledger land. */
@GrpcService
public class ProvisioningGrpcService implements ProvisioningService {

    @Override
    public Uni<ProvisionInstanceResponse> provisionInstance(ProvisionInstanceRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.provisioning("ProvisionInstance"));
    }

    @Override
    public Uni<TerminateInstanceResponse> terminateInstance(TerminateInstanceRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.provisioning("TerminateInstance"));
    }

    @Override
    public Uni<GetInstanceStatusResponse> getInstanceStatus(GetInstanceStatusRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.provisioning("GetInstanceStatus"));
    }

    @Override
    public Uni<GetInstanceDetailsResponse> getInstanceDetails(GetInstanceDetailsRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.provisioning("GetInstanceDetails"));
    }

    @Override
    public Uni<ListInstancesResponse> listInstances(ListInstancesRequest request) {
        return Uni.createFrom().failure(NotYetBuilt.provisioning("ListInstances"));
    }
}

package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.provider.vultr.dto.FirewallGroup;
import io.cloudprovisioner.provider.vultr.dto.Instance;
import io.cloudprovisioner.provider.vultr.dto.InstanceCreate;
import io.cloudprovisioner.provider.vultr.dto.Plan;
import io.cloudprovisioner.provider.vultr.dto.SshKey;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The part of the Vultr API v2 this service uses (operation ids from Vultr's OpenAPI description in brackets),
 * relative to a base URL that includes /v2. Built programmatically by {@link VultrClients}; errors arrive as
 * classified {@link io.cloudprovisioner.provider.ProviderException}s from {@link VultrErrors}.
 */
@RegisterRestClient(configKey = "vultr-api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface VultrApi {

    /** [list-instances] filtered by tag; cursor pagination. */
    @GET
    @Path("/instances")
    Instance.Page listInstances(@QueryParam("tag") String tag, @QueryParam("per_page") int perPage,
            @QueryParam("cursor") String cursor);

    /** [get-instance] */
    @GET
    @Path("/instances/{id}")
    Instance.Envelope getInstance(@PathParam("id") String id);

    /** [create-instance] 202, status "pending". */
    @POST
    @Path("/instances")
    Instance.Envelope createInstance(InstanceCreate body);

    /** [delete-instance] 204. */
    @DELETE
    @Path("/instances/{id}")
    void deleteInstance(@PathParam("id") String id);

    /** [list-firewall-groups] */
    @GET
    @Path("/firewalls")
    FirewallGroup.Page listFirewallGroups(@QueryParam("per_page") int perPage, @QueryParam("cursor") String cursor);

    /** [create-firewall-group] */
    @POST
    @Path("/firewalls")
    FirewallGroup.Envelope createFirewallGroup(FirewallGroup body);

    /** [post-firewalls-firewall-group-id-rules] */
    @POST
    @Path("/firewalls/{id}/rules")
    FirewallGroup.RuleEnvelope createFirewallRule(@PathParam("id") String groupId, FirewallGroup.Rule body);

    /** [list-plans] */
    @GET
    @Path("/plans")
    Plan.Page listPlans(@QueryParam("per_page") int perPage, @QueryParam("cursor") String cursor);

    /** [list-ssh-keys] */
    @GET
    @Path("/ssh-keys")
    SshKey.Page listSshKeys(@QueryParam("per_page") int perPage, @QueryParam("cursor") String cursor);

    /** [create-ssh-key] */
    @POST
    @Path("/ssh-keys")
    SshKey.Envelope createSshKey(SshKey body);
}

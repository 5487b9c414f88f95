package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.provider.digitalocean.dto.Droplet;
import io.cloudprovisioner.provider.digitalocean.dto.DropletCreate;
import io.cloudprovisioner.provider.digitalocean.dto.Firewall;
import io.cloudprovisioner.provider.digitalocean.dto.Size;
import io.cloudprovisioner.provider.digitalocean.dto.SshKey;
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
 * The part of the DigitalOcean API v2 this service uses (operation ids from DigitalOcean's OpenAPI description in
 * brackets). Built programmatically by {@link DigitalOceanClients} so the base URL is a run-time setting; errors
 * arrive as classified {@link io.cloudprovisioner.provider.ProviderException}s from {@link DigitalOceanErrors}.
 */
@RegisterRestClient(configKey = "digitalocean-api")
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface DigitalOceanApi {

    /** [droplets_list] filtered by one tag. */
    @GET
    @Path("/droplets")
    Droplet.Page listDroplets(@QueryParam("tag_name") String tagName, @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    /** [droplets_get] */
    @GET
    @Path("/droplets/{id}")
    Droplet.Envelope getDroplet(@PathParam("id") long id);

    /** [droplets_create] one droplet (202 Accepted, status "new"). */
    @POST
    @Path("/droplets")
    Droplet.Envelope createDroplet(DropletCreate body);

    /** [droplets_destroy] 204 No Content. */
    @DELETE
    @Path("/droplets/{id}")
    void deleteDroplet(@PathParam("id") long id);

    /** [firewalls_list] */
    @GET
    @Path("/firewalls")
    Firewall.Page listFirewalls(@QueryParam("page") int page, @QueryParam("per_page") int perPage);

    /** [firewalls_create] */
    @POST
    @Path("/firewalls")
    Firewall.Envelope createFirewall(Firewall body);

    /** [sizes_list] */
    @GET
    @Path("/sizes")
    Size.Page listSizes(@QueryParam("page") int page, @QueryParam("per_page") int perPage);

    /** [sshKeys_list] */
    @GET
    @Path("/account/keys")
    SshKey.Page listSshKeys(@QueryParam("page") int page, @QueryParam("per_page") int perPage);

    /** [sshKeys_create] */
    @POST
    @Path("/account/keys")
    SshKey.Envelope createSshKey(SshKey body);
}

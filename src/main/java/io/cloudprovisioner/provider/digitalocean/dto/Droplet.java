package io.cloudprovisioner.provider.digitalocean.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A droplet as GET /v2/droplets/{id} returns it (the fields this service reads). */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Droplet(long id, String name, int memory, int vcpus, int disk, String status, String createdAt,
        String sizeSlug, Region region, Networks networks, List<String> tags) {

    /** The droplet's region. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Region(String slug, String name) {
    }

    /** IPv4 and IPv6 networks. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Networks(List<Network> v4, List<Network> v6) {
    }

    /** One address; type is "public" or "private". */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Network(String ipAddress, String type) {
    }

    /** {"droplet": {...}} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Envelope(Droplet droplet) {
    }

    /** {"droplets": [...], "links": ..., "meta": ...} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<Droplet> droplets, Pages.Links links, Pages.Meta meta) {
    }
}

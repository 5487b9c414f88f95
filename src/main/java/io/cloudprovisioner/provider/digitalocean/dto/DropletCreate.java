package io.cloudprovisioner.provider.digitalocean.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** POST /v2/droplets body (single droplet). ssh_keys holds ids (numbers) or fingerprints (strings). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DropletCreate(String name, String region, String size, Object image, List<Object> sshKeys,
        List<String> tags, String userData, Boolean monitoring) {
}

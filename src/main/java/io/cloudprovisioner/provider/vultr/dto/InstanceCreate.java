package io.cloudprovisioner.provider.vultr.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** POST /instances body; user_data is base64. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InstanceCreate(String region, String plan, Integer osId, String label, String hostname,
        List<String> sshkeyId, List<String> tags, String firewallGroupId, String userData) {
}

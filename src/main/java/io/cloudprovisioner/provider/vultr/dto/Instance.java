package io.cloudprovisioner.provider.vultr.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A Vultr instance (the fields this service reads; default_password is deliberately not mapped). */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Instance(String id, String os, int ram, int disk, String mainIp, int vcpuCount, String region,
        String plan, String dateCreated, String status, String powerStatus, String serverStatus, String internalIp,
        String label, String hostname, String firewallGroupId, List<String> tags) {

    /** {"instance": {...}} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Envelope(Instance instance) {
    }

    /** {"instances": [...], "meta": ...} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<Instance> instances, Meta meta) {
    }
}

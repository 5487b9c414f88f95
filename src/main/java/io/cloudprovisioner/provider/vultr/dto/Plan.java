package io.cloudprovisioner.provider.vultr.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A plan from GET /plans; ram in MB, monthly_cost in USD. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Plan(String id, int vcpuCount, int ram, int disk, double monthlyCost, String type,
        List<String> locations, int gpuVramGb, String gpuType) {

    /** {"plans": [...], "meta": ...} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<Plan> plans, Meta meta) {
    }
}

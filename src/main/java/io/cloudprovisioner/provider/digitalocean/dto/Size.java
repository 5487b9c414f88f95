package io.cloudprovisioner.provider.digitalocean.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A droplet size from GET /v2/sizes; memory in MiB. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Size(String slug, int memory, int vcpus, int disk, double priceHourly, double priceMonthly,
        List<String> regions, boolean available, GpuInfo gpuInfo) {

    /** GPU sizes only. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GpuInfo(int count) {
    }

    /** {"sizes": [...], "links": ..., "meta": ...} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<Size> sizes, Pages.Links links, Pages.Meta meta) {
    }
}

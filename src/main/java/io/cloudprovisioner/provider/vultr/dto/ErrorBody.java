package io.cloudprovisioner.provider.vultr.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Vultr's error body: {"error": "...", "status": 400}. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(String error, Integer status) {
}

package io.cloudprovisioner.provider.digitalocean.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A cloud firewall (request and response; id and status are set by DigitalOcean). */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Firewall(String id, String name, String status, List<InboundRule> inboundRules,
        List<OutboundRule> outboundRules, List<String> tags) {

    /** Traffic accepted from {@code sources}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InboundRule(String protocol, String ports, Target sources) {
    }

    /** Traffic allowed to {@code destinations}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OutboundRule(String protocol, String ports, Target destinations) {
    }

    /** Addresses / CIDRs (the only target kind this service uses). */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(List<String> addresses) {
    }

    /** {"firewall": {...}} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Envelope(Firewall firewall) {
    }

    /** {"firewalls": [...], "links": ..., "meta": ...} */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<Firewall> firewalls, Pages.Links links, Pages.Meta meta) {
    }
}

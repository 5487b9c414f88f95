package io.cloudprovisioner.provider.vultr.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Vultr list pagination: {@code meta.links.next} is the cursor of the next page, empty on the last. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record Meta(int total, Links links) {

    /** Cursors. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Links(String next, String prev) {
    }

    /** The next cursor, or null on the last page. */
    public static String next(Meta meta) {
        return meta == null || meta.links() == null || meta.links().next() == null || meta.links().next().isBlank()
                ? null : meta.links().next();
    }
}

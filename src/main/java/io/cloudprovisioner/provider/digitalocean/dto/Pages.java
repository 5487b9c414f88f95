package io.cloudprovisioner.provider.digitalocean.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** DigitalOcean list pagination: {@code links.pages.next} is present while more pages follow; {@code meta.total}. */
public final class Pages {
    private Pages() {
    }

    /** The "links" object. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Links(PageLinks pages) {
    }

    /** first / prev / next / last page URLs. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PageLinks(String first, String prev, String next, String last) {
    }

    /** The "meta" object. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Meta(int total) {
    }

    /** The {@code next} link of a page with these links, or null on the last page. */
    public static String next(Links links) {
        return hasNext(links) ? links.pages().next() : null;
    }

    /** Whether a page with these links has a successor. */
    public static boolean hasNext(Links links) {
        return links != null && links.pages() != null && links.pages().next() != null
                && !links.pages().next().isBlank();
    }
}

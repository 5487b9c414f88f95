package io.cloudprovisioner.provider;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Reads a setting by its environment-variable name. Backed by MicroProfile Config, which sees environment
 * variables, system properties and application.properties alike (so tests can set them without touching the
 * process environment). Blank values count as absent.
 */
@FunctionalInterface
public interface ConfigLookup {
    Optional<String> get(String name);

    static ConfigLookup of(Config config) {
        return name -> config.getOptionalValue(name, String.class).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** The first of {@code names} that is set, as its name. */
    default Optional<String> firstSet(String... names) {
        for (String n : names) {
            if (get(n).isPresent()) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}

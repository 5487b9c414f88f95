package io.cloudprovisioner.selection;

import io.cloudprovisioner.catalog.MappingPolicy;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The configured defaults: the mapping policy ({@code cloudprovisioner.mapping.*}) and the preferences file
 * ({@code cloudprovisioner.selection.preferences-file}). A file that cannot be read or parsed stops the start-up
 * with a message naming the file and the entry.
 */
@Singleton
public class SelectionSettings {
    @Inject
    @ConfigProperty(name = "cloudprovisioner.selection.preferences-file")
    Optional<String> preferencesFile;

    @Inject
    @ConfigProperty(name = "cloudprovisioner.mapping.denied-families")
    Optional<List<String>> deniedFamilies;

    @Inject
    @ConfigProperty(name = "cloudprovisioner.mapping.allow-burstable", defaultValue = "true")
    boolean allowBurstable;

    @Inject
    @ConfigProperty(name = "cloudprovisioner.mapping.min-generation", defaultValue = "0")
    int minGeneration;

    private SelectionPreferences preferences;
    private String source;
    private MappingPolicy policy;

    @PostConstruct
    void init() {
        if (minGeneration < 0) {
            throw new IllegalArgumentException("cloudprovisioner.mapping.min-generation must be >= 0");
        }
        policy = new MappingPolicy(java.util.Set.of(), new LinkedHashSet<>(deniedFamilies.orElse(List.of())),
                allowBurstable, minGeneration, false, 0);
        if (preferencesFile.isPresent() && !preferencesFile.get().isBlank()) {
            Path p = Path.of(preferencesFile.get());
            try {
                preferences = PreferencesFile.parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read preferences file " + p, e);
            }
            source = p.toString();
        } else {
            preferences = SelectionPreferences.DEFAULT;
            source = "built-in defaults";
        }
    }

    public SelectionPreferences preferences() {
        return preferences;
    }

    public String preferencesSource() {
        return source;
    }

    /** The configured mapping policy that every request's policy is combined with. */
    public MappingPolicy policy() {
        return policy;
    }
}

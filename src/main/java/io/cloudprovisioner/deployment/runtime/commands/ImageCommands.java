package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;

/** Image presence and pull. */
public final class ImageCommands {
    private ImageCommands() {
    }

    /** Exits 0 when the image is present locally. */
    public static String exists(String runtime, ContainerRuntimeKind kind, String image) {
        return kind == ContainerRuntimeKind.PODMAN ? Shell.join(List.of(runtime, "image", "exists", image))
                : Shell.join(List.of(runtime, "image", "inspect", "--format", "{{.Id}}", image));
    }

    public static String pull(String runtime, String image) {
        return Shell.join(List.of(runtime, "pull", "--quiet", image));
    }
}

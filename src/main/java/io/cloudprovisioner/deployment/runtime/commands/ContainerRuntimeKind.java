package io.cloudprovisioner.deployment.runtime.commands;

import java.util.Locale;

/** The container engines a host can have; their command lines differ in a few flags. */
public enum ContainerRuntimeKind {
    PODMAN, DOCKER;

    public String binary() {
        return name().toLowerCase(Locale.ROOT);
    }
}

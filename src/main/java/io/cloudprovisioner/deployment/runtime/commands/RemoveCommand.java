package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;

/** Removes a container (stopping it first); succeeds when there is no such container. */
public final class RemoveCommand {
    private RemoveCommand() {
    }

    public static String line(String runtime, ContainerRuntimeKind kind, String container) {
        String rm = Shell.join(List.of(runtime, "rm", "--force", "--time", "5", container));
        if (kind == ContainerRuntimeKind.PODMAN) {
            return Shell.join(List.of(runtime, "rm", "--force", "--ignore", "--time", "5", container));
        }
        // docker has no --ignore: absent is fine, any other failure is not
        return Shell.sh("out=$(" + rm + " 2>&1) || { case \"$out\" in *'No such container'*) exit 0;; esac; "
                + "printf '%s\\n' \"$out\" >&2; exit 1; }");
    }
}

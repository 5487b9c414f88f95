package io.cloudprovisioner.deployment.runtime.commands;

/**
 * Finds the container engine on the host: prints "podman PATH" or "docker PATH" (podman first) and exits 0, or exits
 * 127 when neither is installed.
 */
public final class DetectCommand {
    private DetectCommand() {
    }

    public static String line() {
        return Shell.sh("for r in podman docker; do p=$(command -v \"$r\" 2>/dev/null) && "
                + "{ printf '%s %s\\n' \"$r\" \"$p\"; exit 0; }; done; exit 127");
    }

    /** The engine and its absolute path from the command's output, or null when the output is not of that form. */
    public static Detected parse(String stdout) {
        String line = stdout.strip();
        int sp = line.indexOf(' ');
        if (sp < 0) {
            return null;
        }
        String name = line.substring(0, sp);
        String path = line.substring(sp + 1);
        if (!path.startsWith("/") || path.contains("\n")) {
            return null;
        }
        return switch (name) {
            case "podman" -> new Detected(ContainerRuntimeKind.PODMAN, path);
            case "docker" -> new Detected(ContainerRuntimeKind.DOCKER, path);
            default -> null;
        };
    }

    /** An engine found on the host. */
    public record Detected(ContainerRuntimeKind kind, String path) {
    }
}

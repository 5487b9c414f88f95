package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;

/** Files of a deployment on the host: its private directory and removing it. */
public final class FileCommands {
    private FileCommands() {
    }

    /** Makes the directory (and parents) readable by the login user only. */
    public static String makePrivateDir(String dir) {
        return Shell.join(List.of("mkdir", "-p", "-m", "700", "--", dir)) + " && "
                + Shell.join(List.of("chmod", "700", "--", dir));
    }

    /** Removes the directory and everything in it; succeeds when it is absent. */
    public static String removeDir(String dir) {
        return Shell.join(List.of("rm", "-rf", "--", dir));
    }

    /** Exits 0 when the path exists. */
    public static String exists(String path) {
        return Shell.join(List.of("test", "-e", path));
    }
}

package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;

/** The last lines a container wrote (to explain a failed start). */
public final class LogsCommand {
    private LogsCommand() {
    }

    public static String tail(String runtime, String container, int lines) {
        return Shell.join(List.of(runtime, "logs", "--tail", Integer.toString(lines), container));
    }
}

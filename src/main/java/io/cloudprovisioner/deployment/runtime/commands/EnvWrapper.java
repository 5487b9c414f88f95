package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;

/**
 * Delivers env values byte-for-byte. With podman 4.3.1 {@code -e NAME=VALUE} turns CR LF into LF and
 * {@code --env-file} cannot hold a newline (and drops a trailing CR); a variable passed by name only
 * ({@code --env NAME}) takes its value from the runtime's own environment exactly. So each value is uploaded to a
 * file of its own (mode 0600, in the deployment's private directory), and a POSIX sh script reads every file into its
 * variable, keeping trailing newlines (command substitution strips them, so a sentinel {@code x} is appended and cut
 * off again), exports it, removes the files, and execs the command. No value ever appears on a command line.
 */
public final class EnvWrapper {
    private EnvWrapper() {
    }

    /** The file (relative to {@code dir}) holding the value of the {@code index}-th variable. */
    public static String file(String dir, int index) {
        return dir + "/env-" + index;
    }

    /**
     * The command line: {@code /bin/sh -c 'script'} that exports {@code names.get(i)} from {@link #file(String, int)}
     * {@code (dir, i)}, removes {@code dir}, then execs {@code argv}. Exits 125 when a file cannot be read.
     */
    public static String line(String dir, List<String> names, List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!n.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not an environment variable name");
            }
            s.append(n).append("=\"$(cat -- ").append(Shell.quote(file(dir, i))).append(" && printf x)\" || exit 125; ")
                    .append(n).append("=\"${").append(n).append("%x}\"; export ").append(n).append("; ");
        }
        s.append(FileCommands.removeDir(dir)).append("; exec ").append(Shell.join(argv));
        return Shell.sh(s.toString());
    }
}

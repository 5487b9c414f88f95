package io.cloudprovisioner.deployment.runtime.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a container back: its id, state and process, and the ports as really published. */
public final class InspectCommands {
    private static final Pattern PORT_LINE = Pattern.compile("(\\d{1,5})/(tcp|udp) -> (\\S*):(\\d{1,5})");

    private InspectCommands() {
    }

    /** Prints "ID RUNNING PID RESTARTS" (e.g. "3f2a... true 1234 0"). */
    public static String state(String runtime, String container) {
        return Shell.join(List.of(runtime, "inspect", "--type", "container", "--format",
                "{{.Id}} {{.State.Running}} {{.State.Pid}} {{.RestartCount}}", container));
    }

    /** Prints one line per published port: "8080/tcp -> 0.0.0.0:8080". */
    public static String ports(String runtime, String container) {
        return Shell.join(List.of(runtime, "port", container));
    }

    /** The mappings in the output of {@link #ports}; the first host binding of each container port. */
    public static List<Published> parsePorts(String stdout) {
        List<Published> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Matcher m = PORT_LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            int container = Integer.parseInt(m.group(1));
            String proto = m.group(2);
            if (out.stream().anyMatch(p -> p.containerPort() == container && p.protocol().equals(proto))) {
                continue;
            }
            out.add(new Published(container, proto, m.group(3), Integer.parseInt(m.group(4))));
        }
        return out;
    }

    /** The state line of {@link #state}, or null when it is not of that form. */
    public static State parseState(String stdout) {
        String[] w = stdout.strip().split(" ");
        if (w.length != 4 || !w[0].matches("[0-9a-f]{12,128}")) {
            return null;
        }
        try {
            return new State(w[0], Boolean.parseBoolean(w[1]), Long.parseLong(w[2]), Integer.parseInt(w[3]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A published port: container port and protocol, host address and port. */
    public record Published(int containerPort, String protocol, String hostAddress, int hostPort) {
    }

    /** A container's state. */
    public record State(String id, boolean running, long pid, int restarts) {
    }
}

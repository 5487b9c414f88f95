package io.cloudprovisioner.deployment.runtime.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The argument vector of {@code podman run} / {@code docker run} for a {@link ContainerSpec}: detached, hardened
 * (all capabilities dropped, no new privileges, a pids limit, an init process), limited (CPU, memory), restarted by
 * policy, labelled, publishing exactly the requested ports, and taking each env variable by name from the runtime's
 * own environment ({@code --env NAME}), which is how values reach the container byte-for-byte.
 */
public final class RunCommand {
    private RunCommand() {
    }

    public static List<String> argv(String runtime, ContainerRuntimeKind kind, ContainerSpec s) {
        List<String> a = new ArrayList<>(List.of(runtime, "run", "--detach", "--name", s.name(), "--pull", "never",
                "--init", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--pids-limit",
                Integer.toString(s.pidsLimit()), "--restart", s.restart()));
        if (kind == ContainerRuntimeKind.PODMAN) {
            // podman copies http_proxy & co. from its own environment into the container unless told not to
            a.add("--http-proxy=false");
        }
        if (s.cpus() > 0) {
            a.add("--cpus");
            a.add(String.format(Locale.ROOT, "%.3f", s.cpus()));
        }
        if (s.memoryMib() > 0) {
            a.add("--memory");
            a.add(s.memoryMib() + "m");
        }
        if (s.readOnlyRoot()) {
            a.add("--read-only");
            for (String t : s.tmpfs()) {
                a.add("--tmpfs");
                a.add(t);
            }
        }
        if (s.user() != null && !s.user().isEmpty()) {
            a.add("--user");
            a.add(s.user());
        }
        for (Map.Entry<String, String> l : new TreeMap<>(s.labels()).entrySet()) {
            a.add("--label");
            a.add(l.getKey() + "=" + l.getValue());
        }
        for (ContainerSpec.Port p : s.ports()) {
            a.add("--publish");
            String mapping = p.containerPort() + ":" + p.containerPort() + (p.udp() ? "/udp" : "/tcp");
            a.add(s.publishAddress().equals("0.0.0.0") ? mapping : s.publishAddress() + ":" + mapping);
        }
        for (String name : s.envNames()) {
            a.add("--env");
            a.add(name);
        }
        a.add(s.image());
        a.addAll(s.command());
        return a;
    }
}

package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.Blueprint;
import io.cloudprovisioner.api.v1.BlueprintPort;
import io.cloudprovisioner.api.v1.PortProtocol;
import io.cloudprovisioner.deployment.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validation of the Blueprint RPCs' input: every violation is collected, nothing is started on a bad request. */
final class BlueprintRequests {
    static final Pattern BLUEPRINT_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * Names that would change the wrapper shell or the container engine itself (they are set in the engine's own
     * environment to reach the container byte-for-byte), so they cannot be passed.
     */
    static final Pattern RESERVED_ENV = Pattern.compile("LD_.*|CONTAINERS_.*|XDG_.*|DBUS_.*|BASH_.*|PATH|HOME|TMPDIR"
            + "|IFS|ENV|SHELLOPTS|BASHOPTS|PS4|CDPATH|PWD|OLDPWD|REGISTRY_AUTH_FILE|STORAGE_DRIVER|STORAGE_OPTS");
    // OCI / distribution reference grammar: [domain[:port]/]path[:tag][@digest]
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    static final Pattern IMAGE = Pattern.compile("(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT
            + ")*(?::" + TAG + ")?(?:@" + DIGEST + ")?");
    static final Pattern HEALTH_PATH = Pattern.compile("/[\\x21-\\x7e]{0,1023}");
    static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
    static final int MAX_ENV = 256;
    static final int MAX_ENV_VALUE = 128 * 1024;
    static final int MAX_PORTS = 64;
    static final int MAX_COMMAND = 256;

    private BlueprintRequests() {
    }

    /** The blueprint id alone (HealthCheck, Cleanup). */
    static String blueprintId(RequestValidator v, String id, String field) {
        if (!BLUEPRINT_ID.matcher(id).matches()) {
            v.add(field, id.isEmpty() ? "required" : "at most 63 characters of [a-z0-9-], starting and ending with a "
                    + "letter or digit");
        }
        return id;
    }

    /** The workload, or null when the blueprint is missing (every violation is added to {@code v}). */
    static Workload workload(RequestValidator v, boolean present, Blueprint b, String field) {
        if (!present) {
            v.add(field, "required");
            return null;
        }
        blueprintId(v, b.getId(), field + ".id");
        String image = b.getImage();
        if (image.isEmpty()) {
            v.add(field + ".image", "required");
        } else if (image.length() > 512 || !IMAGE.matcher(image).matches()) {
            v.add(field + ".image", "not an image reference ([registry[:port]/]name[:tag][@algorithm:digest], "
                    + "lower-case name)");
        }
        TreeMap<String, String> env = new TreeMap<>();
        if (b.getEnvCount() > MAX_ENV) {
            v.add(field + ".env", "at most " + MAX_ENV + " variables");
        }
        // names are map keys, so unique by construction (protobuf keeps the last of repeated keys)
        for (Map.Entry<String, String> e : new TreeMap<>(b.getEnvMap()).entrySet()) {
            String name = e.getKey();
            String shown = name.length() > 64 ? name.substring(0, 64) : name;
            if (!ENV_NAME.matcher(name).matches()) {
                v.add(field + ".env[" + sanitize(shown) + "]", "names are [A-Za-z_][A-Za-z0-9_]*");
            } else if (RESERVED_ENV.matcher(name).matches()) {
                v.add(field + ".env[" + name + "]", "reserved: it would change the container engine or the shell "
                        + "that starts it (names matching " + RESERVED_ENV.pattern() + ")");
            } else if (e.getValue().indexOf('\0') >= 0) {
                v.add(field + ".env[" + name + "]", "values cannot contain NUL"); // the value itself is never echoed
            } else if (e.getValue().length() > MAX_ENV_VALUE) {
                v.add(field + ".env[" + name + "]", "values are at most " + MAX_ENV_VALUE + " characters");
            }
            env.put(name, e.getValue());
        }
        List<Workload.Port> ports = new ArrayList<>();
        if (b.getPortsCount() > MAX_PORTS) {
            v.add(field + ".ports", "at most " + MAX_PORTS + " ports");
        }
        Set<String> seenPorts = new HashSet<>();
        for (int i = 0; i < b.getPortsCount(); i++) {
            BlueprintPort p = b.getPorts(i);
            String f = field + ".ports[" + i + "]";
            boolean udp = p.getProtocol() == PortProtocol.PORT_PROTOCOL_UDP;
            if (p.getProtocol() == PortProtocol.UNRECOGNIZED) {
                v.add(f + ".protocol", "unknown protocol");
            }
            if (p.getContainerPort() < 1 || p.getContainerPort() > 65535) {
                v.add(f + ".container_port", "must be 1 to 65535");
            } else if (!seenPorts.add(p.getContainerPort() + (udp ? "/udp" : "/tcp"))) {
                v.add(f + ".container_port", "duplicate port " + p.getContainerPort() + (udp ? "/udp" : "/tcp"));
            }
            if (!p.getName().isEmpty() && !PORT_NAME.matcher(p.getName()).matches()) {
                v.add(f + ".name", "at most 15 characters of [a-z0-9-]");
            }
            ports.add(new Workload.Port(p.getContainerPort(), udp, p.getName()));
        }
        if (b.getCommandCount() > MAX_COMMAND) {
            v.add(field + ".command", "at most " + MAX_COMMAND + " words");
        }
        for (int i = 0; i < b.getCommandCount(); i++) {
            if (b.getCommand(i).indexOf('\0') >= 0) {
                v.add(field + ".command[" + i + "]", "cannot contain NUL");
            }
        }
        String health = b.getHealthPath();
        if (!health.isEmpty()) {
            if (!HEALTH_PATH.matcher(health).matches()) {
                v.add(field + ".health_path", "an HTTP path starting with '/', printable ASCII without spaces, at most "
                        + "1024 characters");
            } else if (ports.stream().noneMatch(p -> !p.udp())) {
                v.add(field + ".health_path", "needs a TCP port to probe (ports)");
            }
        }
        double cpus = 0;
        long memoryMib = 0;
        if (b.hasResources()) {
            cpus = b.getResources().getCpu();
            double gb = b.getResources().getMemoryGb();
            if (!(cpus >= 0 && cpus <= RequestValidator.MAX_CPU)) {
                v.add(field + ".resources.cpu", "must be 0 (no limit) to " + (int) RequestValidator.MAX_CPU);
            }
            if (!(gb >= 0 && gb <= RequestValidator.MAX_MEMORY_GIB)) {
                v.add(field + ".resources.memory_gb", "must be 0 (no limit) to " + (int) RequestValidator.MAX_MEMORY_GIB);
            } else {
                memoryMib = (long) Math.ceil(gb * 1024);
                if (memoryMib > 0 && memoryMib < 8) {
                    v.add(field + ".resources.memory_gb", "a memory limit is at least 8 MiB");
                }
            }
        }
        return new Workload(b.getId(), image, env, List.copyOf(ports), List.copyOf(b.getCommandList()), health, cpus,
                memoryMib);
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

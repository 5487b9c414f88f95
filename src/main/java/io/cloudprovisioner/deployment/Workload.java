package io.cloudprovisioner.deployment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;

/**
 * A validated blueprint: what runs (image, command), with what (env, sorted by name; values are secrets), where it
 * listens (ports) and how it is checked (health path) and limited (CPU, memory; 0 = no limit).
 */
public record Workload(String id, String image, SortedMap<String, String> env, List<Port> ports,
        List<String> command, String healthPath, double cpus, long memoryMib) {

    /** A container port, published as the same port on the host. */
    public record Port(int containerPort, boolean udp, String name) {
    }

    /** SHA-256 over the sorted environment (name, NUL, value, NUL each): equal env, equal hash; never the values. */
    public String envHash() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            env.forEach((k, v) -> {
                d.update(k.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(v.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            });
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The port a QoS target is measured at: the one named "metrics", else the first; null without ports. */
    public Port qosPort() {
        return ports.stream().filter(p -> "metrics".equals(p.name())).findFirst()
                .orElse(ports.isEmpty() ? null : ports.get(0));
    }

    @Override
    public String toString() {
        return "Workload[" + id + ", " + image + ", env names " + env.keySet() + ", ports " + ports + "]";
    }
}

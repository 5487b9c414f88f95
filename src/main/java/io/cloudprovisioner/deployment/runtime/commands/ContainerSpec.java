package io.cloudprovisioner.deployment.runtime.commands;

import java.util.List;
import java.util.Map;

/**
 * What one container is run with. Env values are not here: only names, the values travel in files (see
 * {@link EnvWrapper}).
 *
 * @param cpus CPU limit, 0 = none
 * @param memoryMib memory limit in MiB, 0 = none
 * @param restart restart policy, e.g. "always", "on-failure:5"
 * @param user user to run as ("uid[:gid]" or a name), null = the image's
 * @param publishAddress host address the ports are published on, e.g. "0.0.0.0" or "127.0.0.1"
 */
public record ContainerSpec(String name, String image, List<String> envNames, List<Port> ports,
        List<String> command, double cpus, long memoryMib, String restart, int pidsLimit, boolean readOnlyRoot,
        List<String> tmpfs, String user, Map<String, String> labels, String publishAddress) {

    /** A port published as the same number on the host. */
    public record Port(int containerPort, boolean udp) {
    }
}

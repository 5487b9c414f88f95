package io.cloudprovisioner.deployment.runtime;

import io.cloudprovisioner.deployment.DeploymentFailure;
import io.cloudprovisioner.deployment.runtime.commands.ContainerRuntimeKind;
import io.cloudprovisioner.deployment.runtime.commands.ContainerSpec;
import io.cloudprovisioner.deployment.runtime.commands.DetectCommand;
import io.cloudprovisioner.deployment.runtime.commands.EnvWrapper;
import io.cloudprovisioner.deployment.runtime.commands.FileCommands;
import io.cloudprovisioner.deployment.runtime.commands.ImageCommands;
import io.cloudprovisioner.deployment.runtime.commands.InspectCommands;
import io.cloudprovisioner.deployment.runtime.commands.RemoveCommand;
import io.cloudprovisioner.deployment.runtime.commands.RunCommand;
import io.cloudprovisioner.deployment.ssh.SshSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/** The container engine (podman or docker) of one host, driven over an SSH session. */
public final class ContainerRuntime {
    private final SshSession ssh;
    private final DetectCommand.Detected engine;
    private final Duration timeout;

    private ContainerRuntime(SshSession ssh, DetectCommand.Detected engine, Duration timeout) {
        this.ssh = ssh;
        this.engine = engine;
        this.timeout = timeout;
    }

    /** Finds podman (preferred) or docker on the host. */
    public static ContainerRuntime detect(SshSession ssh, Duration timeout) {
        SshSession.Result r = ssh.exec(DetectCommand.line(), timeout);
        DetectCommand.Detected d = r.ok() ? DetectCommand.parse(r.stdout()) : null;
        if (d == null) {
            throw new DeploymentFailure("NO_CONTAINER_RUNTIME", "neither podman nor docker is installed on "
                    + ssh.target() + " (install one, e.g. in the instance's user data)");
        }
        return new ContainerRuntime(ssh, d, timeout);
    }

    public ContainerRuntimeKind kind() {
        return engine.kind();
    }

    /** Pulls the image when it is missing (or always). */
    public void ensureImage(String image, boolean always) {
        if (!always && ssh.exec(ImageCommands.exists(engine.path(), engine.kind(), image), timeout).ok()) {
            return;
        }
        SshSession.Result r = ssh.exec(ImageCommands.pull(engine.path(), image), timeout);
        if (!r.ok()) {
            throw new DeploymentFailure("IMAGE_PULL_FAILED", engine.kind().binary() + " pull " + image + " on "
                    + ssh.target() + " failed (exit " + r.exitCode() + "): " + r.summary());
        }
    }

    /**
     * Starts the container: makes the deployment's private directory, uploads each env value to a file of mode 0600
     * there, runs the engine through {@link EnvWrapper} (which reads the values into its environment and removes the
     * directory before the engine runs), and removes the directory again whatever happened.
     *
     * @return the container id the engine printed
     */
    public String run(ContainerSpec spec, SortedMap<String, String> env, String dir) {
        try {
            SshSession.Result mk = ssh.exec(FileCommands.makePrivateDir(dir), timeout);
            if (!mk.ok()) {
                throw new DeploymentFailure("HOST_FILES_FAILED", "cannot make " + dir + " on " + ssh.target() + ": "
                        + mk.summary());
            }
            List<String> names = new ArrayList<>(env.keySet());
            for (int i = 0; i < names.size(); i++) {
                ssh.upload(EnvWrapper.file(dir, i), env.get(names.get(i)).getBytes(StandardCharsets.UTF_8), 0600);
            }
            List<String> argv = RunCommand.argv(engine.path(), engine.kind(), spec);
            SshSession.Result r = ssh.exec(EnvWrapper.line(dir, names, argv), timeout);
            if (!r.ok()) {
                throw new DeploymentFailure("CONTAINER_START_FAILED", engine.kind().binary() + " run of " + spec.image()
                        + " on " + ssh.target() + " failed (exit " + r.exitCode() + "): " + r.summary());
            }
            String[] lines = r.stdout().strip().split("\n");
            return lines[lines.length - 1].strip();
        } finally {
            removeDir(dir);
        }
    }

    /** The container's state, or null when there is no such container. */
    public InspectCommands.State state(String container) {
        SshSession.Result r = ssh.exec(InspectCommands.state(engine.path(), container), timeout);
        return r.ok() ? InspectCommands.parseState(r.stdout()) : null;
    }

    /** The ports as the engine really published them. */
    public List<InspectCommands.Published> ports(String container) {
        SshSession.Result r = ssh.exec(InspectCommands.ports(engine.path(), container), timeout);
        if (!r.ok()) {
            throw new DeploymentFailure("CONTAINER_GONE", "cannot read the ports of " + container + " on "
                    + ssh.target() + ": " + r.summary());
        }
        return InspectCommands.parsePorts(r.stdout());
    }

    /** Removes the container; true when the engine succeeded (also when there was none). */
    public boolean remove(String container) {
        return ssh.exec(RemoveCommand.line(engine.path(), engine.kind(), container), timeout).ok();
    }

    /** Removes a directory and its files; true on success (also when absent). */
    public boolean removeDir(String dir) {
        return ssh.exec(FileCommands.removeDir(dir), timeout).ok();
    }
}

package io.cloudprovisioner.deployment.ssh;

/** Where to log in: host, port and user. */
public record SshTarget(String host, int port, String user) {
    @Override
    public String toString() {
        return user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

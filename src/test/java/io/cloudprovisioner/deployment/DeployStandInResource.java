package io.cloudprovisioner.deployment;

import io.cloudprovisioner.deployment.ssh.InJvmSshServer;
import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import java.util.HashMap;
import java.util.Map;

/**
 * The DigitalOcean stand-in for deployment tests: droplets get the public IP 127.0.0.1, no
 * cloudprovisioner.network.ssh-public-key is configured (so the service's generated key is what the adapter
 * registers), port 8080 is among the opened ports, and SSH goes to an in-JVM SSH server on a free port (which no
 * client key can log in to: these tests stop at the host key check or before).
 */
public class DeployStandInResource extends DigitalOceanStandInResource {
    private static volatile InJvmSshServer sshServer;

    public static InJvmSshServer sshServer() {
        return sshServer;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> c = new HashMap<>(super.start());
        standIn().publicIpv4("127.0.0.1");
        try {
            sshServer = new InJvmSshServer(0, InJvmSshServer.ecKey(), InJvmSshServer.ecKey().getPublic());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        c.remove("cloudprovisioner.network.ssh-public-key");
        c.put("cloudprovisioner.network.ingress-ports", "22,8080");
        c.put("cloudprovisioner.deployment.ssh-port", Integer.toString(sshServer.port()));
        c.put("cloudprovisioner.deployment.ssh-retry-delay", "100ms");
        c.put("cloudprovisioner.deployment.ssh-retry-for", "3s");
        return c;
    }

    @Override
    public void stop() {
        try {
            if (sshServer != null) {
                sshServer.close();
            }
        } catch (java.io.IOException e) {
            // the JVM ends with the tests
        }
        super.stop();
    }
}

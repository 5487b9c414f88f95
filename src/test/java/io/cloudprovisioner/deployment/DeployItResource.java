package io.cloudprovisioner.deployment;

import io.cloudprovisioner.harness.digitalocean.DigitalOceanStandInResource;
import java.util.HashMap;
import java.util.Map;

/**
 * The DigitalOcean stand-in whose droplets are this machine (public IP 127.0.0.1), with SSH to the sshd that
 * .ci/deploy-targets.sh started (CP_DEPLOY_IT_SSH_PORT, default 2222) using the test key it authorized
 * (CP_DEPLOY_IT_SSH_KEY) as the service's key, and port 8080 opened.
 */
public class DeployItResource extends DigitalOceanStandInResource {
    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> c = new HashMap<>(super.start());
        standIn().publicIpv4("127.0.0.1");
        String key = env("CP_DEPLOY_IT_SSH_KEY", null);
        if (key == null) {
            throw new IllegalStateException("CP_DEPLOY_IT_SSH_KEY is not set: run the deploy ITs through "
                    + ".ci/deploy-targets.sh (it starts sshd and builds the test image)");
        }
        c.put("cloudprovisioner.deployment.ssh-private-key", key);
        c.put("cloudprovisioner.deployment.ssh-port", env("CP_DEPLOY_IT_SSH_PORT", "2222"));
        c.put("cloudprovisioner.network.ingress-ports", "22,8080,8081");
        c.put("cloudprovisioner.deployment.health-timeout", "8s");
        c.put("cloudprovisioner.deployment.probe-interval", "250ms");
        c.put("cloudprovisioner.deployment.ssh-retry-for", "20s");
        return c;
    }
}

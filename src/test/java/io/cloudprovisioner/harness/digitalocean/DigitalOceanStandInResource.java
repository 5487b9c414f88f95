package io.cloudprovisioner.harness.digitalocean;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the DigitalOcean stand-in for a @QuarkusTest class and points the adapter at it: a fake token (as the
 * DIGITALOCEAN_TOKEN variable the descriptor reads), the base URL, short timeouts and poll intervals, a small page
 * size (so pagination is exercised), SSH keys and the network settings the firewall is built from.
 */
public class DigitalOceanStandInResource implements QuarkusTestResourceLifecycleManager {
    /** The fake token; tests check it never appears in an error. */
    public static final String TOKEN = "dop_v1_fake0123456789secretTOKENvalue";
    public static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests cloudprovisioner@test";
    private static volatile DigitalOceanStandIn standIn;

    public static DigitalOceanStandIn standIn() {
        return standIn;
    }

    @Override
    public Map<String, String> start() {
        standIn = new DigitalOceanStandIn(TOKEN);
        Map<String, String> c = new HashMap<>();
        c.put("cloudprovisioner.data-dir", io.cloudprovisioner.harness.StandIn.freshLedgerDir());
        c.put("DIGITALOCEAN_TOKEN", TOKEN);
        c.put("cloudprovisioner.digitalocean.base-url", standIn.baseUrl());
        c.put("cloudprovisioner.digitalocean.poll-interval", "50ms");
        c.put("cloudprovisioner.digitalocean.provision-timeout", "10s");
        c.put("cloudprovisioner.digitalocean.connect-timeout", "1s");
        c.put("cloudprovisioner.digitalocean.read-timeout", "2s");
        c.put("cloudprovisioner.digitalocean.max-retry-wait", "3s");
        c.put("cloudprovisioner.digitalocean.page-size", "2");
        c.put("cloudprovisioner.digitalocean.ssh-keys", "289794,3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45");
        c.put("cloudprovisioner.digitalocean.user-data", "#cloud-config\nruncmd:\n  - touch /ready\n");
        c.put("cloudprovisioner.network.ingress-ports", "22,8080");
        c.put("cloudprovisioner.network.ingress-cidrs", "0.0.0.0/0,::/0");
        c.put("cloudprovisioner.network.ssh-public-key", PUBLIC_KEY);
        return c;
    }

    @Override
    public void stop() {
        if (standIn != null) {
            standIn.close();
        }
    }
}

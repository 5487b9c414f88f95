package io.cloudprovisioner.harness.vultr;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the Vultr stand-in for a @QuarkusTest class and points the adapter at it: a fake API key (as the
 * VULTR_API_KEY variable the descriptor reads), the base URL (with /v2), short timeouts and poll intervals, a small page
 * size (so pagination is exercised), SSH keys and the network settings the firewall is built from.
 */
public class VultrStandInResource implements QuarkusTestResourceLifecycleManager {
    /** The fake API key; tests check it never appears in an error. */
    public static final String TOKEN = "VULTRFAKEKEY0123456789SECRETABCDEFGHIJ";
    public static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests cloudprovisioner@test";
    private static volatile VultrStandIn standIn;

    public static VultrStandIn standIn() {
        return standIn;
    }

    @Override
    public Map<String, String> start() {
        standIn = new VultrStandIn(TOKEN);
        Map<String, String> c = new HashMap<>();
        c.put("cloudprovisioner.data-dir", io.cloudprovisioner.harness.StandIn.freshLedgerDir());
        c.put("VULTR_API_KEY", TOKEN);
        c.put("cloudprovisioner.vultr.base-url", standIn.baseUrl());
        c.put("cloudprovisioner.vultr.poll-interval", "50ms");
        c.put("cloudprovisioner.vultr.provision-timeout", "10s");
        c.put("cloudprovisioner.vultr.connect-timeout", "1s");
        c.put("cloudprovisioner.vultr.read-timeout", "2s");
        c.put("cloudprovisioner.vultr.max-retry-wait", "3s");
        c.put("cloudprovisioner.vultr.page-size", "2");
        c.put("cloudprovisioner.vultr.ssh-keys", "3b8066a7-b438-455a-9688-44afc9a3597f");
        c.put("cloudprovisioner.vultr.user-data", "#cloud-config\nruncmd:\n  - touch /ready\n");
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

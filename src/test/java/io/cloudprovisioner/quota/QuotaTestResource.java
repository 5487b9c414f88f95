package io.cloudprovisioner.quota;

import io.cloudprovisioner.security.ApiKeyHash;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * API keys for the operators alice, bob, carol and dave and the admin root, and per-principal quotas: alice at most
 * 2 concurrent provisions and 3 live instances, carol at most $0.10 per hour, dave 2 mutating calls then one per 100
 * s; bob has the (unlimited) defaults. Init arg {@code max-deadline} sets the server's maximum deadline.
 */
public class QuotaTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String ALICE = ApiKeyHash.newKey();
    public static final String BOB = ApiKeyHash.newKey();
    public static final String CAROL = ApiKeyHash.newKey();
    public static final String DAVE = ApiKeyHash.newKey();
    public static final String ROOT = ApiKeyHash.newKey();
    private String maxDeadline;

    @Override
    public void init(Map<String, String> initArgs) {
        maxDeadline = initArgs.get("max-deadline");
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Path.of("target", "quota-test", UUID.randomUUID().toString()).toAbsolutePath();
            Files.createDirectories(dir);
            Path keys = dir.resolve("api-keys");
            Files.writeString(keys, "alice operator " + ApiKeyHash.hash(ALICE) + "\nbob operator "
                    + ApiKeyHash.hash(BOB) + "\ncarol operator " + ApiKeyHash.hash(CAROL) + "\ndave operator "
                    + ApiKeyHash.hash(DAVE) + "\nroot admin " + ApiKeyHash.hash(ROOT) + "\n");
            Map<String, String> c = new HashMap<>();
            c.put("cloudprovisioner.security.api-keys-file", keys.toString());
            c.put("cloudprovisioner.quotas.principals.alice.max-concurrent-provisions", "2");
            c.put("cloudprovisioner.quotas.principals.alice.max-live-instances", "3");
            c.put("cloudprovisioner.quotas.principals.carol.max-hourly-usd", "0.10");
            c.put("cloudprovisioner.quotas.principals.dave.requests-per-second", "0.01");
            c.put("cloudprovisioner.quotas.principals.dave.burst", "2");
            if (maxDeadline != null) {
                c.put("cloudprovisioner.quotas.max-deadline", maxDeadline);
            }
            return c;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}

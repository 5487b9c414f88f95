package io.cloudprovisioner.harness.aws;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the EC2 stand-in for a @QuarkusTest and points the AWS adapter at it: fake credentials under the
 * environment-variable names {@code AwsDescriptor} reads, the endpoint override, short polls, timeouts and retry
 * delays, a key pair name, and the ingress rules the security group must open.
 */
public class AwsStandInResource implements QuarkusTestResourceLifecycleManager {
    /** The fake access key id; harmless to print. */
    public static final String ACCESS_KEY_ID = "AKIAFAKESTANDIN00001";
    /** The fake secret: must never appear in any log line, error message or gRPC answer. */
    public static final String SECRET_ACCESS_KEY = "standinSecretKey/DO-NOT-LEAK/0123456789abcdef";
    public static final String KEY_NAME = "cp-test-key";
    /** An existing key pair the account holds in every region of the test (the configured key-name). */
    public static final String KEY_NAME_PUBLIC_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICuqrmLQyCzoeZ5RDG68J6iSzUNQyGR9jmagRz5Odjxo existing@account";
    private static volatile AwsStandIn standIn;
    /** Init arg {@code key-name=false}: configure no key pair name, so the adapter imports the service's key. */
    private boolean configureKeyName = true;

    @Override
    public void init(Map<String, String> initArgs) {
        configureKeyName = !"false".equals(initArgs.get("key-name"));
    }

    /** The running stand-in. */
    public static AwsStandIn standIn() {
        return standIn;
    }

    @Override
    public Map<String, String> start() {
        standIn = AwsStandIn.start();
        standIn.seedKeyPair("*", KEY_NAME, KEY_NAME_PUBLIC_KEY);
        Map<String, String> config = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("cloudprovisioner.data-dir", io.cloudprovisioner.harness.StandIn.freshLedgerDir()),
                Map.entry("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
                Map.entry("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
                Map.entry("cloudprovisioner.aws.endpoint", standIn.baseUrl()),
                Map.entry("cloudprovisioner.aws.regions", "us-east-1,eu-west-1"),
                Map.entry("cloudprovisioner.aws.poll-interval", "50ms"),
                Map.entry("cloudprovisioner.aws.provision-timeout", "10s"),
                Map.entry("cloudprovisioner.aws.connect-timeout", "1s"),
                Map.entry("cloudprovisioner.aws.read-timeout", "3s"),
                Map.entry("cloudprovisioner.aws.api-call-attempt-timeout", "8s"),
                Map.entry("cloudprovisioner.aws.api-call-timeout", "30s"),
                Map.entry("cloudprovisioner.aws.retry-base-delay", "10ms"),
                Map.entry("cloudprovisioner.aws.throttle-base-delay", "20ms"),
                Map.entry("cloudprovisioner.aws.retry-max-delay", "100ms"),
                Map.entry("cloudprovisioner.network.ingress-ports", "22,443"),
                Map.entry("cloudprovisioner.network.ingress-cidrs", "203.0.113.0/24,198.51.100.7/32")));
        if (configureKeyName) {
            config.put("cloudprovisioner.aws.key-name", KEY_NAME);
        }
        return config;
    }

    @Override
    public void stop() {
        if (standIn != null) {
            standIn.close();
            standIn = null;
        }
    }
}

package io.cloudprovisioner.harness.aws;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the AWS Price List stand-in and points cloudprovisioner.aws.pricing-endpoint at it (use with AwsStandInResource). */
public class AwsPricingStandInResource implements QuarkusTestResourceLifecycleManager {
    private static volatile AwsPricingStandIn standIn;

    public static AwsPricingStandIn standIn() {
        return standIn;
    }

    @Override
    public Map<String, String> start() {
        standIn = new AwsPricingStandIn();
        return Map.of("cloudprovisioner.aws.pricing-endpoint", standIn.baseUrl());
    }

    @Override
    public void stop() {
        if (standIn != null) {
            standIn.close();
            standIn = null;
        }
    }
}

package io.cloudprovisioner.provider;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link ProviderIsolationTest} against the packaged application: the stand-ins run in the test JVM, the packaged
 * service is pointed at them through the test resources' configuration, as a deployment would be.
 */
@QuarkusIntegrationTest
public class ProviderIsolationIT extends ProviderIsolationTest {
}

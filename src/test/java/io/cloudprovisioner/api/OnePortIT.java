package io.cloudprovisioner.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link OnePortTest} against the packaged application. */
@QuarkusIntegrationTest
public class OnePortIT extends OnePortTest {
}

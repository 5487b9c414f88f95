package io.cloudprovisioner.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ServerConventionsTest}'s scenarios against the packaged application. */
@QuarkusIntegrationTest
public class ServerConventionsIT extends ServerConventionsTest {
}

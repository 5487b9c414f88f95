package io.cloudprovisioner.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The README's grpcurl examples against the packaged application. */
@QuarkusIntegrationTest
public class ReadmeExamplesIT extends ReadmeExamplesTest {
}

package io.cloudprovisioner.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link CatalogServiceTest}'s scenarios against the packaged application. */
@QuarkusIntegrationTest
public class CatalogServiceIT extends CatalogServiceTest {
}

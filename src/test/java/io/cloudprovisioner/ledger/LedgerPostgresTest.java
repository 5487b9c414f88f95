package io.cloudprovisioner.ledger;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Every {@link LedgerTest} scenario with the ledger on PostgreSQL (the replicas' database). Runs when
 * CLOUDPROVISIONER_TEST_POSTGRESQL_URL is set, which `.ci/run` always does; {@link PostgresInCiTest} makes sure.
 */
@QuarkusTest
@TestProfile(PostgresLedger.Profile.class)
@EnabledIfEnvironmentVariable(named = PostgresLedger.URL_ENV, matches = ".+")
public class LedgerPostgresTest extends LedgerTest {
    @Override
    protected String expectedDatabase() {
        return LedgerDatabase.POSTGRESQL;
    }
}

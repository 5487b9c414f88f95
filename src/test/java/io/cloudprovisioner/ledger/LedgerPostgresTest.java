package io.cloudprovisioner.ledger;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every {@link LedgerTest} scenario with the ledger on PostgreSQL (the replicas' database): the tests' own
 * embedded server (see {@link PostgresLedger}), so it runs on every machine.
 */
@QuarkusTest
@TestProfile(PostgresLedger.Profile.class)
public class LedgerPostgresTest extends LedgerTest {
    @Override
    protected String expectedDatabase() {
        return LedgerDatabase.POSTGRESQL;
    }
}

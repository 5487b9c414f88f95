package io.cloudprovisioner.ledger;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The PostgreSQL tests skip themselves without a server; in CI (CI=true) that must never happen silently: this
 * fails when the server `.ci/run` starts is missing or unreachable.
 */
@EnabledIfEnvironmentVariable(named = "CI", matches = "true")
class PostgresInCiTest {
    @Test
    void postgresqlIsThereInCi() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresLedger.url(), PostgresLedger.user(),
                PostgresLedger.password())) {
            assertTrue(c.isValid(5), "PostgreSQL at " + PostgresLedger.url());
        }
    }
}

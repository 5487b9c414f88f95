package io.cloudprovisioner.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V2__owner.sql on a ledger that has records from before: they belong to the configured default owner. */
class OwnerMigrationTest {
    @Test
    void recordsFromBeforeOwnershipBelongToTheDefaultOwner() throws Exception {
        String url = "jdbc:h2:mem:owner-migration;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/ledger").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO instance_record (request_key, client_request_id, fingerprint, caller, state, "
                    + "spec, labels, created_at, updated_at) VALUES ('old-1', 'old-1', 'f', 'someone-said-so', "
                    + "'RUNNING', '{}', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            s.executeUpdate("INSERT INTO termination_request (request_key, fingerprint, provider, region, "
                    + "instance_id, created_at) VALUES ('t-1', 'f', 'digitalocean', 'nyc3', '1', CURRENT_TIMESTAMP)");
        }
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/ledger")
                .placeholders(Map.of("default_owner", "legacy-owner")).load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT caller FROM instance_record WHERE request_key='old-1'")) {
                rs.next();
                assertEquals("legacy-owner", rs.getString(1), "the x-caller name is not an owner");
            }
            try (ResultSet rs = s.executeQuery("SELECT caller FROM termination_request WHERE request_key='t-1'")) {
                rs.next();
                assertEquals("legacy-owner", rs.getString(1));
            }
            s.executeUpdate("INSERT INTO instance_record (request_key, client_request_id, fingerprint, caller, state, "
                    + "spec, labels, created_at, updated_at) VALUES ('new-1', 'new-1', 'f', '" + "p".repeat(512)
                    + "', 'RUNNING', '{}', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"); // long principals fit
        }
    }
}

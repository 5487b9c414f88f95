package io.cloudprovisioner.ledger;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL ledger for tests: the server `.ci/postgres.sh start` runs (CLOUDPROVISIONER_TEST_POSTGRESQL_URL),
 * each application start in a schema of its own so runs never see each other's records.
 */
public final class PostgresLedger {
    public static final String URL_ENV = "CLOUDPROVISIONER_TEST_POSTGRESQL_URL";

    private PostgresLedger() {
    }

    public static String url() {
        String url = System.getenv(URL_ENV);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(URL_ENV + " is not set: run `eval \"$(.ci/postgres.sh start)\"` first");
        }
        return url;
    }

    public static String user() {
        return System.getenv().getOrDefault("CLOUDPROVISIONER_TEST_POSTGRESQL_USER", "cloudprovisioner");
    }

    public static String password() {
        return System.getenv().getOrDefault("CLOUDPROVISIONER_TEST_POSTGRESQL_PASSWORD", "cloudprovisioner");
    }

    public static String newSchema() {
        return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Configuration that points the service's "postgresql" datasource at {@code schema}. */
    public static Map<String, String> config(String schema) {
        return Map.of("quarkus.datasource.postgresql.jdbc.url", url() + "?currentSchema=" + schema,
                "quarkus.datasource.postgresql.username", user(),
                "quarkus.datasource.postgresql.password", password(),
                "quarkus.flyway.postgresql.schemas", schema);
    }

    /** A test profile: the service on PostgreSQL, in a fresh schema. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return config(newSchema());
        }
    }
}

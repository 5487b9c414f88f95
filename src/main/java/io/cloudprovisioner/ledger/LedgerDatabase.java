package io.cloudprovisioner.ledger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The ledger's database: the "postgresql" datasource when it has a JDBC URL (several replicas can share it),
 * otherwise the embedded H2 file database under {@code cloudprovisioner.data-dir}. Migrated with Flyway
 * ({@code db/ledger}) when the application starts, before anything reads it.
 */
@Singleton
public class LedgerDatabase {
    private static final Logger LOG = Logger.getLogger(LedgerDatabase.class);
    public static final String EMBEDDED = "embedded";
    public static final String POSTGRESQL = "postgresql";

    private volatile AgroalDataSource dataSource;
    private volatile String kind;
    private volatile DataDirectory dataDirectory;

    void onStart(@Observes @Priority(10) StartupEvent e) {
        open();
    }

    /** Chooses, migrates and returns the datasource (idempotent). */
    public synchronized AgroalDataSource open() {
        if (dataSource != null) {
            return dataSource;
        }
        boolean pg = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.postgresql.jdbc.url",
                String.class).filter(s -> !s.isBlank()).isPresent();
        String name = pg ? POSTGRESQL : EMBEDDED;
        if (!pg) {
            // the embedded database is one process's: a second process on the same directory stops here
            String dir = ConfigProvider.getConfig().getValue("cloudprovisioner.data-dir", String.class);
            if (!java.nio.file.Path.of(dir).isAbsolute() && !dir.startsWith("./") && !dir.startsWith("../")) {
                throw new IllegalStateException("cloudprovisioner.data-dir (CLOUDPROVISIONER_DATA_DIR) is \"" + dir
                        + "\": give an absolute path or one starting with ./ (the embedded database's file URL needs it)");
            }
            dataDirectory = DataDirectory.acquire(dir);
            LOG.infof("data directory %s", dataDirectory.path());
        }
        AgroalDataSource ds = Arc.container().select(AgroalDataSource.class,
                new io.quarkus.agroal.DataSource.DataSourceLiteral(name)).get();
        Flyway flyway = Arc.container().select(Flyway.class, FlywayDataSource.FlywayDataSourceLiteral.of(name)).get();
        var result = flyway.migrate();
        LOG.infof("ledger: %s database, schema version %s (%d migration(s) applied)", name,
                flyway.info().current() == null ? "none" : flyway.info().current().getVersion(),
                result.migrationsExecuted);
        this.kind = name;
        this.dataSource = ds;
        return ds;
    }

    /**
     * Releases the data directory's lock when the application stops, so a restart in the same JVM (the tests'
     * Quarkus restarts) can take it again; a process that dies releases it with its file descriptors anyway.
     */
    @jakarta.annotation.PreDestroy
    synchronized void close() {
        if (dataDirectory != null) {
            dataDirectory.release();
            dataDirectory = null;
        }
    }

    /** "embedded" or "postgresql". */
    public String kind() {
        open();
        return kind;
    }

    public Connection connection() throws SQLException {
        return open().getConnection();
    }
}

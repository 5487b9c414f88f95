package io.cloudprovisioner.ledger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
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
            String dir = ConfigProvider.getConfig().getValue("cloudprovisioner.data-dir", String.class);
            try {
                Files.createDirectories(Path.of(dir));
            } catch (java.io.IOException ex) {
                throw new IllegalStateException("cannot create the data directory " + dir
                        + " (set CLOUDPROVISIONER_DATA_DIR): " + ex.getMessage(), ex);
            }
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

    /** "embedded" or "postgresql". */
    public String kind() {
        open();
        return kind;
    }

    public Connection connection() throws SQLException {
        return open().getConnection();
    }
}

package io.cloudprovisioner.deployment;

import static io.cloudprovisioner.ledger.Jdbc.instant;
import static io.cloudprovisioner.ledger.Jdbc.ts;
import static io.cloudprovisioner.ledger.Jdbc.update;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.deployment.ssh.HostKeyStore;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.ledger.LedgerDatabase;
import io.cloudprovisioner.ledger.Jdbc;
import io.cloudprovisioner.ledger.LedgerException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deployment records of VM targets and pinned SSH host keys in the ledger's database (tables of V3__deployments.sql;
 * rows with target_type KUBERNETES are {@link io.cloudprovisioner.deployment.kubernetes.KubernetesDeploymentStore}'s). Plain JDBC,
 * one short transaction per write; state changes are compare-and-set on the current state.
 */
@Singleton
public class DeploymentStore implements HostKeyStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNIQUE_VIOLATION = "23505";
    private static final TypeReference<List<DeploymentRecord.PortMapping>> PORTS = new TypeReference<>() {
    };

    @Inject
    LedgerDatabase db;

    /** Records a new deployment (state DEPLOYING); false when the request key exists already. */
    public boolean begin(DeploymentRecord r) {
        Instant now = Instant.now();
        try (Connection c = db.connection()) {
            update(c, "INSERT INTO deployment_record (request_key, client_request_id, fingerprint, caller, blueprint_id,"
                    + " image, provider, region, instance_id, host, ssh_port, ssh_user, container_name, remote_dir, "
                    + "env_hash, ports, health_path, state, owner, created_at, updated_at) "
                    + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", r.requestKey(), r.clientRequestId(),
                    r.fingerprint(), r.caller(), r.blueprintId(), r.image(), r.provider().id(), r.region(),
                    r.instanceId(), r.host(), r.sshPort(), r.sshUser(), r.containerName(), r.remoteDir(),
                    r.envHash(), json(r.ports()), r.healthPath(), DeploymentState.DEPLOYING.name(), r.owner(), ts(now),
                    ts(now));
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw new LedgerException("recording deployment " + r.requestKey(), e);
        }
    }

    /** Takes a FAILED record over for another try with the same request (compare-and-set). */
    public boolean retry(String key, String owner) {
        return set(key, DeploymentState.FAILED, "state=?, owner=?, detail=NULL, container_id=NULL",
                DeploymentState.DEPLOYING.name(), owner);
    }

    /**
     * Takes over a DEPLOYING record nobody has touched since {@code updatedAt} (its call ended without recording an
     * outcome, e.g. the process died): compare-and-set on the last update.
     */
    public boolean takeOver(String key, Instant updatedAt, String owner) {
        try (Connection c = db.connection()) {
            return update(c, "UPDATE deployment_record SET owner=?, detail=NULL, updated_at=? WHERE request_key=? AND "
                    + "state=? AND updated_at=?", owner, ts(Instant.now()), key, DeploymentState.DEPLOYING.name(),
                    ts(updatedAt)) == 1;
        } catch (SQLException e) {
            throw new LedgerException("taking over deployment " + key, e);
        }
    }

    /** The container is up: what it is and where it publishes. */
    public void started(String key, String runtime, String containerId, List<DeploymentRecord.PortMapping> ports,
            String qosEndpoint) {
        set(key, DeploymentState.DEPLOYING, "runtime=?, container_id=?, ports=?, qos_endpoint=?", runtime,
                containerId, json(ports), qosEndpoint);
    }

    public void running(String key) {
        set(key, DeploymentState.DEPLOYING, "state=?", DeploymentState.RUNNING.name());
    }

    public void failed(String key, String detail) {
        set(key, DeploymentState.DEPLOYING, "state=?, detail=?", DeploymentState.FAILED.name(),
                detail.length() > 4000 ? detail.substring(0, 4000) : detail);
    }

    public void removed(String key, DeploymentState from) {
        set(key, from, "state=?", DeploymentState.REMOVED.name());
    }

    private boolean set(String key, DeploymentState from, String assignments, Object... values) {
        List<Object> args = new ArrayList<>(List.of(values));
        args.add(ts(Instant.now()));
        args.add(key);
        args.add(from.name());
        try (Connection c = db.connection()) {
            return update(c, "UPDATE deployment_record SET " + assignments + ", updated_at=? WHERE request_key=? AND "
                    + "state=?", args.toArray()) == 1;
        } catch (SQLException e) {
            throw new LedgerException("updating deployment " + key, e);
        }
    }

    public Optional<DeploymentRecord> find(String key) {
        // Kubernetes deployments share the table (V4) and are read by KubernetesDeploymentStore
        return query("SELECT * FROM deployment_record WHERE request_key=? AND target_type='VM'", key).stream()
                .findFirst();
    }

    /** The newest deployment of a blueprint on an instance, whatever its state. */
    public Optional<DeploymentRecord> latest(Provider p, String instanceId, String blueprintId) {
        return query("SELECT * FROM deployment_record WHERE provider=? AND instance_id=? AND blueprint_id=? "
                + "ORDER BY created_at DESC, request_key", p.id(), instanceId, blueprintId).stream().findFirst();
    }

    /** The deployment of a blueprint on an instance that is DEPLOYING or RUNNING, if any. */
    public Optional<DeploymentRecord> live(Provider p, String instanceId, String blueprintId) {
        return query("SELECT * FROM deployment_record WHERE provider=? AND instance_id=? AND blueprint_id=? AND state "
                + "IN ('DEPLOYING','RUNNING') ORDER BY created_at DESC, request_key", p.id(), instanceId,
                blueprintId).stream().findFirst();
    }

    @Override
    public Optional<String> find(String host, int port) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT host_key FROM ssh_host_key WHERE host=? AND port=?")) {
            ps.setString(1, host);
            ps.setInt(2, port);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LedgerException("reading the host key of " + host + ":" + port, e);
        }
    }

    @Override
    public String pinIfAbsent(String host, int port, String key) {
        Optional<String> known = find(host, port);
        if (known.isPresent()) {
            return known.get();
        }
        try (Connection c = db.connection()) {
            update(c, "INSERT INTO ssh_host_key (host, port, host_key, first_seen) VALUES (?,?,?,?)", host, port, key,
                    ts(Instant.now()));
            return key;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return find(host, port).orElseThrow();
            }
            throw new LedgerException("pinning the host key of " + host + ":" + port, e);
        }
    }

    /** Replaces a pinned key (operators and tests: a host that was really rebuilt). */
    public void repin(String host, int port, String key) {
        try (Connection c = db.connection()) {
            if (update(c, "UPDATE ssh_host_key SET host_key=? WHERE host=? AND port=?", key, host, port) == 0) {
                pinIfAbsent(host, port, key);
            }
        } catch (SQLException e) {
            throw new LedgerException("pinning the host key of " + host + ":" + port, e);
        }
    }

    private List<DeploymentRecord> query(String sql, Object... args) {
        try (Connection c = db.connection()) {
            return Jdbc.query(c, sql, DeploymentStore::row, args);
        } catch (SQLException e) {
            throw new LedgerException("reading deployments", e);
        }
    }

    private static DeploymentRecord row(ResultSet rs) throws SQLException {
        List<DeploymentRecord.PortMapping> ports;
        try {
            ports = JSON.readValue(rs.getString("ports"), PORTS);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable ports of deployment " + rs.getString("request_key"), e);
        }
        return new DeploymentRecord(rs.getString("request_key"), rs.getString("client_request_id"),
                rs.getString("fingerprint"), rs.getString("caller"), rs.getString("blueprint_id"),
                rs.getString("image"), Provider.fromId(rs.getString("provider")).orElseThrow(), rs.getString("region"),
                rs.getString("instance_id"), rs.getString("host"), rs.getInt("ssh_port"), rs.getString("ssh_user"),
                rs.getString("runtime"), rs.getString("container_name"), rs.getString("container_id"),
                rs.getString("remote_dir"), rs.getString("env_hash"), ports, rs.getString("health_path"),
                rs.getString("qos_endpoint"), DeploymentState.valueOf(rs.getString("state")), rs.getString("detail"),
                rs.getString("owner"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

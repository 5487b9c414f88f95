package io.cloudprovisioner.deployment.kubernetes;

import static io.cloudprovisioner.ledger.Jdbc.instant;
import static io.cloudprovisioner.ledger.Jdbc.ts;
import static io.cloudprovisioner.ledger.Jdbc.update;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.deployment.DeploymentRecord;
import io.cloudprovisioner.deployment.DeploymentState;
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
 * Kubernetes deployment records: the deployment_record rows with target_type KUBERNETES (V4). Plain JDBC, one
 * short transaction per write; state changes are compare-and-set on the current state, as the VM records'.
 */
@Singleton
public class KubernetesDeploymentStore {
    static final String TYPE = "KUBERNETES";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNIQUE_VIOLATION = "23505";
    private static final TypeReference<List<DeploymentRecord.PortMapping>> PORTS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> OBJECTS = new TypeReference<>() {
    };

    @Inject
    LedgerDatabase db;

    /** Records a new deployment (state DEPLOYING); false when the request key exists already (of either kind). */
    public boolean begin(KubernetesDeploymentRecord r) {
        Instant now = Instant.now();
        try (Connection c = db.connection()) {
            update(c, "INSERT INTO deployment_record (request_key, client_request_id, fingerprint, caller, blueprint_id,"
                    + " image, target_type, kube_context, kube_namespace, kube_name, kube_objects, env_hash, ports, "
                    + "health_path, state, owner, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    r.requestKey(), r.clientRequestId(), r.fingerprint(), r.caller(), r.blueprintId(), r.image(), TYPE,
                    r.context(), r.namespace(), r.name(), json(r.objects()), r.envHash(), json(r.ports()),
                    r.healthPath(), DeploymentState.DEPLOYING.name(), r.owner(), ts(now), ts(now));
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw new LedgerException("recording deployment " + r.requestKey(), e);
        }
    }

    /** The kind of the deployment with this key ("VM" or "KUBERNETES"), if any. */
    public Optional<String> targetType(String key) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT target_type FROM deployment_record WHERE request_key=?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LedgerException("reading deployment " + key, e);
        }
    }

    /** Takes a FAILED record over for another try with the same request (compare-and-set). */
    public boolean retry(String key, String owner) {
        return set(key, DeploymentState.FAILED, "state=?, owner=?, detail=NULL", DeploymentState.DEPLOYING.name(),
                owner);
    }

    /** Takes over a DEPLOYING record nobody has touched since {@code updatedAt} (compare-and-set on it). */
    public boolean takeOver(String key, Instant updatedAt, String owner) {
        try (Connection c = db.connection()) {
            return update(c, "UPDATE deployment_record SET owner=?, detail=NULL, updated_at=? WHERE request_key=? AND "
                    + "target_type=? AND state=? AND updated_at=?", owner, ts(Instant.now()), key, TYPE,
                    DeploymentState.DEPLOYING.name(), ts(updatedAt)) == 1;
        } catch (SQLException e) {
            throw new LedgerException("taking over deployment " + key, e);
        }
    }

    /** The objects made so far ("Kind/name"), written before each is created. */
    public void objects(String key, List<String> objects) {
        set(key, DeploymentState.DEPLOYING, "kube_objects=?", json(objects));
    }

    /** The objects are there: the Service's ports and the endpoint. */
    public void started(String key, List<DeploymentRecord.PortMapping> ports, String qosEndpoint) {
        set(key, DeploymentState.DEPLOYING, "ports=?, qos_endpoint=?", json(ports), qosEndpoint);
    }

    public void running(String key) {
        set(key, DeploymentState.DEPLOYING, "state=?", DeploymentState.RUNNING.name());
    }

    public void failed(String key, String detail) {
        set(key, DeploymentState.DEPLOYING, "state=?, detail=?", DeploymentState.FAILED.name(),
                detail.length() > 4000 ? detail.substring(0, 4000) : detail);
    }

    public boolean removed(String key, DeploymentState from) {
        return set(key, from, "state=?", DeploymentState.REMOVED.name());
    }

    private boolean set(String key, DeploymentState from, String assignments, Object... values) {
        List<Object> args = new ArrayList<>(List.of(values));
        args.add(ts(Instant.now()));
        args.add(key);
        args.add(TYPE);
        args.add(from.name());
        try (Connection c = db.connection()) {
            return update(c, "UPDATE deployment_record SET " + assignments + ", updated_at=? WHERE request_key=? AND "
                    + "target_type=? AND state=?", args.toArray()) == 1;
        } catch (SQLException e) {
            throw new LedgerException("updating deployment " + key, e);
        }
    }

    public Optional<KubernetesDeploymentRecord> find(String key) {
        return query("SELECT * FROM deployment_record WHERE request_key=? AND target_type=?", key, TYPE).stream()
                .findFirst();
    }

    /**
     * The newest deployment of a blueprint in a context's namespace, whatever its state: of {@code caller}, or of
     * anyone when {@code caller} is null (an administrator).
     */
    public Optional<KubernetesDeploymentRecord> latest(String context, String namespace, String blueprintId,
            String caller) {
        String sql = "SELECT * FROM deployment_record WHERE target_type=? AND kube_context=? AND kube_namespace=? AND "
                + "blueprint_id=?" + (caller == null ? "" : " AND caller=?") + " ORDER BY created_at DESC, request_key";
        Object[] args = caller == null ? new Object[] {TYPE, context, namespace, blueprintId}
                : new Object[] {TYPE, context, namespace, blueprintId, caller};
        return query(sql, args).stream().findFirst();
    }

    /** A DEPLOYING or RUNNING deployment of the blueprint there by {@code caller}. */
    public Optional<KubernetesDeploymentRecord> live(String context, String namespace, String blueprintId,
            String caller) {
        return query("SELECT * FROM deployment_record WHERE target_type=? AND kube_context=? AND kube_namespace=? AND "
                + "blueprint_id=? AND caller=? AND state IN ('DEPLOYING','RUNNING') ORDER BY created_at DESC, "
                + "request_key", TYPE, context, namespace, blueprintId, caller).stream().findFirst();
    }

    private List<KubernetesDeploymentRecord> query(String sql, Object... args) {
        try (Connection c = db.connection()) {
            return Jdbc.query(c, sql, KubernetesDeploymentStore::row, args);
        } catch (SQLException e) {
            throw new LedgerException("reading deployments", e);
        }
    }

    private static KubernetesDeploymentRecord row(ResultSet rs) throws SQLException {
        List<DeploymentRecord.PortMapping> ports;
        List<String> objects;
        try {
            ports = JSON.readValue(rs.getString("ports"), PORTS);
            String o = rs.getString("kube_objects");
            objects = o == null ? List.of() : JSON.readValue(o, OBJECTS);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable deployment " + rs.getString("request_key"), e);
        }
        return new KubernetesDeploymentRecord(rs.getString("request_key"), rs.getString("client_request_id"),
                rs.getString("fingerprint"), rs.getString("caller"), rs.getString("blueprint_id"),
                rs.getString("image"), rs.getString("kube_context"), rs.getString("kube_namespace"),
                rs.getString("kube_name"), objects, rs.getString("env_hash"), ports, rs.getString("health_path"),
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

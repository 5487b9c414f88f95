package io.cloudprovisioner.ledger;

import static io.cloudprovisioner.ledger.Jdbc.instant;
import static io.cloudprovisioner.ledger.Jdbc.ts;
import static io.cloudprovisioner.ledger.Jdbc.update;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The durable record of every provisioning request: written before a cloud is called and after every step.
 * Plain JDBC over {@link LedgerDatabase} (H2 or PostgreSQL, the same portable SQL). Every write is one short
 * transaction; state changes that several nodes could race on are compare-and-set updates.
 */
@Singleton
public class Ledger {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNIQUE_VIOLATION = "23505";

    @Inject
    LedgerDatabase db;

    /** What is recorded before the first cloud call. */
    public record Intent(String requestKey, String clientRequestId, String fingerprint, String caller,
            String request, Map<String, String> labels, String owner) {
    }

    /**
     * Records the intent, or takes over the existing record for the key when {@code takeOver} says so (a
     * compare-and-set, so only one caller wins). True when the record is now this caller's to work on; false when
     * it exists and stays as it is (the caller reads it to replay, wait or reject).
     */
    public boolean begin(Intent intent, java.util.function.Predicate<LedgerRecord> takeOver) {
        Instant now = Instant.now();
        try (Connection c = db.connection()) {
            try {
                update(c, "INSERT INTO instance_record (request_key, client_request_id, fingerprint, caller, state, "
                        + "spot, spec, labels, owner, created_at, updated_at) VALUES (?,?,?,?,?,FALSE,?,?,?,?,?)",
                        intent.requestKey(), intent.clientRequestId(), intent.fingerprint(), intent.caller(),
                        RecordState.CREATING.name(), intent.request(), json(intent.labels()), intent.owner(), ts(now),
                        ts(now));
                return true;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
            LedgerRecord existing = find(c, intent.requestKey()).orElseThrow();
            return existing.fingerprint().equals(intent.fingerprint()) && takeOver.test(existing)
                    && compareAndSet(c, existing, "state=?, owner=?, error_class=NULL, error_scope=NULL, "
                            + "error_message=NULL, updated_at=?", RecordState.CREATING.name(), intent.owner(),
                            ts(now));
        } catch (SQLException e) {
            throw new LedgerException("recording the intent of " + intent.requestKey(), e);
        }
    }

    /**
     * Removes a fresh record (and its attempts) that this owner is still CREATING, when the request was refused
     * before any cloud was asked to create anything: its id is then as if never used.
     */
    public void release(String key, String owner) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                if (update(c, "DELETE FROM instance_record WHERE request_key=? AND state=? AND owner=?", key,
                        RecordState.CREATING.name(), owner) == 1) {
                    update(c, "DELETE FROM provision_attempt WHERE request_key=?", key);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new LedgerException("releasing " + key, e);
        }
    }

    /**
     * Takes over a record a gone owner left in progress: compare-and-set on state, owner and last update, so only
     * one node (or call) wins.
     */
    public boolean claim(LedgerRecord r, String owner) {
        try (Connection c = db.connection()) {
            return compareAndSet(c, r, "owner=?, updated_at=?", owner, ts(Instant.now()));
        } catch (SQLException e) {
            throw new LedgerException("claiming " + r.requestKey(), e);
        }
    }

    /** Updates {@code r}'s row only if its state, owner and last update are still those of {@code r}. */
    private static boolean compareAndSet(Connection c, LedgerRecord r, String set, Object... setArgs)
            throws SQLException {
        List<Object> args = new ArrayList<>(List.of(setArgs));
        args.add(r.requestKey());
        args.add(r.state().name());
        if (r.owner() != null) {
            args.add(r.owner());
        }
        args.add(ts(r.updatedAt()));
        return update(c, "UPDATE instance_record SET " + set + " WHERE request_key=? AND state=? AND "
                + (r.owner() == null ? "owner IS NULL" : "owner=?") + " AND updated_at=?", args.toArray()) == 1;
    }

    /** Records an attempt before its cloud call and makes its target the record's current one. */
    public int attemptStarted(String key, Provider p, String region, String zone, String type) {
        Instant now = Instant.now();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                int seq = 1;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COALESCE(MAX(seq), 0) FROM provision_attempt WHERE request_key=?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seq = rs.getInt(1) + 1;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO provision_attempt (request_key, seq, "
                        + "provider, region, zone, instance_type, started_at) VALUES (?,?,?,?,?,?,?)")) {
                    ps.setString(1, key);
                    ps.setInt(2, seq);
                    ps.setString(3, p.id());
                    ps.setString(4, region);
                    ps.setString(5, zone == null ? "" : zone);
                    ps.setString(6, type);
                    ps.setObject(7, ts(now));
                    ps.executeUpdate();
                }
                update(c, "UPDATE instance_record SET provider=?, region=?, zone=?, instance_type=?, updated_at=? "
                        + "WHERE request_key=?", p.id(), region, zone == null ? "" : zone, type, ts(now), key);
                c.commit();
                return seq;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new LedgerException("recording an attempt of " + key, e);
        }
    }

    /** Completes an attempt: errorClass empty on success. */
    public void attemptEnded(String key, int seq, String errorClass, String message) {
        run("completing an attempt of " + key, c -> update(c, "UPDATE provision_attempt SET error_class=?, "
                + "message=?, ended_at=? WHERE request_key=? AND seq=?", errorClass, truncate(message),
                ts(Instant.now()), key, seq));
    }

    /** The cloud created the instance: RUNNING with what the cloud reported. */
    public void created(String key, Instance i) {
        run("recording the instance of " + key, c -> update(c, "UPDATE instance_record SET state=?, provider=?, "
                + "region=?, zone=?, instance_type=?, instance_id=?, public_ip=?, private_ip=?, instance_status=?, "
                + "spot=?, owner=NULL, error_class=NULL, error_scope=NULL, error_message=NULL, updated_at=?, instance_created_at=? "
                + "WHERE request_key=?", RecordState.RUNNING.name(), i.provider().id(), i.region(), i.zone(),
                i.instanceType(), i.id(), i.publicIp(), i.privateIp(), i.status().name(), i.spot(),
                ts(Instant.now()), i.createdAt() == null ? null : ts(i.createdAt()), key));
    }

    /** Every attempt failed (or recovery found nothing): FAILED with the classified cause. */
    public void failed(String key, String errorClass, String scope, String message) {
        run("recording the failure of " + key, c -> update(c, "UPDATE instance_record SET state=?, owner=NULL, "
                + "error_class=?, error_scope=?, error_message=?, updated_at=? WHERE request_key=?",
                RecordState.FAILED.name(), errorClass, scope, truncate(message), ts(Instant.now()), key));
    }

    /**
     * Marks a record TERMINATING for this owner before the cloud is asked. Returns false when another node holds
     * it in progress (compare-and-set on state).
     */
    public boolean terminating(String key, String owner, java.util.function.Predicate<LedgerRecord> mayTakeOver) {
        try (Connection c = db.connection()) {
            LedgerRecord r = find(c, key).orElse(null);
            if (r == null) {
                return false;
            }
            if (r.state().inProgress() && !mayTakeOver.test(r)) {
                return false;
            }
            return compareAndSet(c, r, "state=?, owner=?, updated_at=?", RecordState.TERMINATING.name(), owner,
                    ts(Instant.now()));
        } catch (SQLException e) {
            throw new LedgerException("recording the termination of " + key, e);
        }
    }

    /** Final state after a termination (TERMINATED) or when the instance disappeared (VANISHED). */
    public void ended(String key, RecordState state, InstanceStatus lastSeen) {
        run("recording the end of " + key, c -> update(c, "UPDATE instance_record SET state=?, instance_status=?, "
                + "owner=NULL, updated_at=? WHERE request_key=?", state.name(), lastSeen.name(),
                ts(Instant.now()), key));
    }

    /**
     * After a termination call: TERMINATED when the cloud confirmed it, else TERMINATING with no owner (the reconcile
     * checks again and finishes it) and the status last seen.
     */
    public void terminationSeen(String key, InstanceStatus status) {
        if (status == InstanceStatus.TERMINATED) {
            ended(key, RecordState.TERMINATED, status);
        } else {
            run("recording the termination of " + key, c -> update(c, "UPDATE instance_record SET state=?, "
                    + "instance_status=?, owner=NULL, updated_at=? WHERE request_key=?",
                    RecordState.TERMINATING.name(), status.name(), ts(Instant.now()), key));
        }
    }

    /**
     * The cloud refused a delete before doing anything (invalid, credentials): a record this owner had just marked
     * TERMINATING from RUNNING is RUNNING again.
     */
    public void terminationRefused(String key, String owner) {
        run("recording the refused termination of " + key, c -> update(c, "UPDATE instance_record SET state=?, "
                + "owner=NULL, updated_at=? WHERE request_key=? AND state=? AND owner=?", RecordState.RUNNING.name(),
                ts(Instant.now()), key, RecordState.TERMINATING.name(), owner));
    }

    /** Refreshes what the cloud reports for a record's instance (status, addresses). */
    public void observed(String key, Instance i) {
        run("refreshing " + key, c -> update(c, "UPDATE instance_record SET instance_status=?, public_ip=?, "
                + "private_ip=?, updated_at=? WHERE request_key=?", i.status().name(), i.publicIp(), i.privateIp(),
                ts(Instant.now()), key));
    }

    public Optional<LedgerRecord> find(String key) {
        try (Connection c = db.connection()) {
            return find(c, key);
        } catch (SQLException e) {
            throw new LedgerException("reading " + key, e);
        }
    }

    public Optional<LedgerRecord> findByInstance(Provider p, String instanceId) {
        List<LedgerRecord> r = query("SELECT * FROM instance_record WHERE provider=? AND instance_id=? "
                + "ORDER BY created_at DESC", p.id(), instanceId);
        return r.stream().findFirst();
    }

    /**
     * Records in creation order.
     *
     * @param provider null = all
     * @param includeEnded include TERMINATED, FAILED and VANISHED records
     */
    public List<LedgerRecord> list(Provider provider, boolean includeEnded, int offset, int limit) {
        return list(provider, includeEnded, null, offset, limit);
    }

    /** As {@link #list(Provider, boolean, int, int)}, only {@code owner}'s records (null = everyone's). */
    public List<LedgerRecord> list(Provider provider, boolean includeEnded, String owner, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM instance_record WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (owner != null) {
            sql.append(" AND caller=?");
            args.add(owner);
        }
        if (provider != null) {
            sql.append(" AND provider=?");
            args.add(provider.id());
        }
        if (!includeEnded) {
            sql.append(" AND state NOT IN ('TERMINATED','FAILED','VANISHED')");
        }
        sql.append(" ORDER BY created_at, request_key OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        args.add(offset);
        args.add(limit);
        return query(sql.toString(), args.toArray());
    }

    /**
     * {@code caller}'s records that hold (or are getting, or are giving up) an instance: CREATING, RUNNING and
     * TERMINATING (what per-principal quotas count). Bounded by {@code limit}.
     */
    public List<LedgerRecord> live(String caller, int limit) {
        return query("SELECT * FROM instance_record WHERE caller=? AND state IN ('CREATING','RUNNING','TERMINATING') "
                + "ORDER BY created_at, request_key FETCH FIRST ? ROWS ONLY", caller, limit);
    }

    /** Records a node is (or was) working on. */
    public List<LedgerRecord> inProgress() {
        return query("SELECT * FROM instance_record WHERE state IN ('CREATING','TERMINATING') ORDER BY created_at");
    }

    /** Records of a provider that should have a live instance (RUNNING). */
    public List<LedgerRecord> running(Provider p) {
        return query("SELECT * FROM instance_record WHERE provider=? AND state='RUNNING' ORDER BY created_at",
                p.id());
    }

    /** Regions of a provider that the ledger has used. */
    public List<String> regions(Provider p) {
        List<String> out = new ArrayList<>();
        run("listing regions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT region FROM provision_attempt WHERE "
                    + "provider=? ORDER BY region")) {
                ps.setString(1, p.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return 0;
        });
        return out;
    }

    public List<Attempt> attempts(String key) {
        List<Attempt> out = new ArrayList<>();
        run("reading attempts of " + key, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM provision_attempt WHERE request_key=? "
                    + "ORDER BY seq")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Attempt(rs.getInt("seq"), Provider.fromId(rs.getString("provider")).orElseThrow(),
                                rs.getString("region"), rs.getString("zone"), rs.getString("instance_type"),
                                rs.getString("error_class"), rs.getString("message")));
                    }
                }
            }
            return 0;
        });
        return out;
    }

    /** Counts of records per state (for the chaos run and operators). */
    public Map<RecordState, Integer> countByState() {
        Map<RecordState, Integer> out = new TreeMap<>();
        run("counting", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM instance_record GROUP BY "
                    + "state"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(RecordState.valueOf(rs.getString(1)), rs.getInt(2));
                }
            }
            return 0;
        });
        return out;
    }

    // ---- TerminateInstance ids -------------------------------------------------------------------------

    /** A TerminateInstance request id as recorded. */
    public record Termination(String requestKey, String fingerprint, Provider provider, String region,
            String instanceId, String status) {
    }

    /**
     * Reserves a TerminateInstance id, or returns the one already recorded under it. Called only once the request
     * passed every check and the delete is about to be asked for: a refused request does not use its id up.
     */
    public Termination beginTermination(Termination t) {
        return beginTermination(t, null);
    }

    /** As {@link #beginTermination(Termination)}, recording {@code owner} (null: the default owner). */
    public Termination beginTermination(Termination t, String owner) {
        try (Connection c = db.connection()) {
            try {
                if (owner == null) {
                    update(c, "INSERT INTO termination_request (request_key, fingerprint, provider, region, "
                            + "instance_id, created_at) VALUES (?,?,?,?,?,?)", t.requestKey(), t.fingerprint(),
                            t.provider().id(), t.region(), t.instanceId(), ts(Instant.now()));
                } else {
                    update(c, "INSERT INTO termination_request (request_key, fingerprint, provider, region, "
                            + "instance_id, created_at, caller) VALUES (?,?,?,?,?,?,?)", t.requestKey(),
                            t.fingerprint(), t.provider().id(), t.region(), t.instanceId(), ts(Instant.now()), owner);
                }
                return t;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
            return terminations(c, "request_key=?", t.requestKey()).stream().findFirst().orElseThrow();
        } catch (SQLException e) {
            throw new LedgerException("recording termination request " + t.requestKey(), e);
        }
    }

    /** The TerminateInstance id as recorded, if it was used. */
    public Optional<Termination> findTermination(String key) {
        try (Connection c = db.connection()) {
            return terminations(c, "request_key=?", key).stream().findFirst();
        } catch (SQLException e) {
            throw new LedgerException("reading termination request " + key, e);
        }
    }

    /** A termination of the instance that the cloud confirmed, under any id (the most recent). */
    public Optional<Termination> terminated(Provider p, String instanceId) {
        try (Connection c = db.connection()) {
            return terminations(c, "provider=? AND instance_id=? AND status='TERMINATED' ORDER BY created_at DESC",
                    p.id(), instanceId).stream().findFirst();
        } catch (SQLException e) {
            throw new LedgerException("reading terminations of " + instanceId, e);
        }
    }

    /** Frees a reserved id whose delete the cloud refused before doing anything (no status recorded yet). */
    public void releaseTermination(String key) {
        run("releasing termination request " + key, c -> update(c, "DELETE FROM termination_request WHERE "
                + "request_key=? AND status IS NULL", key));
    }

    public void terminationDone(String key, InstanceStatus status) {
        run("recording termination request " + key, c -> update(c, "UPDATE termination_request SET status=? WHERE "
                + "request_key=?", status.name(), key));
    }

    private static List<Termination> terminations(Connection c, String where, Object... args) throws SQLException {
        List<Termination> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM termination_request WHERE " + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Termination(rs.getString("request_key"), rs.getString("fingerprint"),
                            Provider.fromId(rs.getString("provider")).orElseThrow(), rs.getString("region"),
                            rs.getString("instance_id"), rs.getString("status")));
                }
            }
        }
        return out;
    }

    // ---- nodes and leases ------------------------------------------------------------------------------

    /** Registers or refreshes this node's heartbeat. */
    public void heartbeat(String nodeId, String incarnation, boolean starting) {
        run("heartbeat", c -> {
            Timestamp now = dbNow(c);
            if (update(c, "UPDATE ledger_node SET incarnation=?, heartbeat_at=?" + (starting ? ", started_at=?" : "")
                    + " WHERE node_id=?", starting ? new Object[] {incarnation, now, now, nodeId}
                            : new Object[] {incarnation, now, nodeId}) == 0) {
                try {
                    update(c, "INSERT INTO ledger_node (node_id, incarnation, started_at, heartbeat_at) VALUES "
                            + "(?,?,?,?)", nodeId, incarnation, now, now);
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
            return 0;
        });
    }

    /** Whether the node's heartbeat is more recent than {@code staleAfter} (by the database's clock). */
    public boolean alive(String nodeId, Duration staleAfter) {
        int[] alive = {0};
        run("reading node " + nodeId, c -> {
            Timestamp now = dbNow(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT heartbeat_at FROM ledger_node WHERE node_id=?")) {
                ps.setString(1, nodeId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Instant hb = rs.getObject(1, OffsetDateTime.class).toInstant();
                        alive[0] = hb.plus(staleAfter).isAfter(now.toInstant()) ? 1 : 0;
                    }
                }
            }
            return 0;
        });
        return alive[0] == 1;
    }

    /**
     * Takes (or renews) the named lease for {@code ttl} when it is free, expired or already held by
     * {@code holder}. Returns the holder after the call: {@code holder} itself when taken.
     */
    public String tryLease(String name, String holder, Duration ttl) {
        String[] out = {null};
        run("taking lease " + name, c -> {
            Timestamp now = dbNow(c);
            Timestamp until = Timestamp.from(now.toInstant().plus(ttl));
            if (update(c, "UPDATE ledger_lease SET holder=?, expires_at=? WHERE name=? AND (holder=? OR "
                    + "expires_at < ?)", holder, until, name, holder, now) == 1) {
                out[0] = holder;
                return 0;
            }
            try {
                update(c, "INSERT INTO ledger_lease (name, holder, expires_at) VALUES (?,?,?)", name, holder, until);
                out[0] = holder;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT holder FROM ledger_lease WHERE name=?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        out[0] = rs.next() ? rs.getString(1) : "";
                    }
                }
            }
            return 0;
        });
        return out[0];
    }

    public void releaseLease(String name, String holder) {
        run("releasing lease " + name, c -> update(c, "DELETE FROM ledger_lease WHERE name=? AND holder=?", name,
                holder));
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work {
        int apply(Connection c) throws SQLException;
    }

    private void run(String what, Work w) {
        try (Connection c = db.connection()) {
            w.apply(c);
        } catch (SQLException e) {
            throw new LedgerException(what, e);
        }
    }

    private List<LedgerRecord> query(String sql, Object... args) {
        List<LedgerRecord> out = new ArrayList<>();
        run("reading the ledger", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return 0;
        });
        return out;
    }

    private static Optional<LedgerRecord> find(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM instance_record WHERE request_key=?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static LedgerRecord row(ResultSet rs) throws SQLException {
        String provider = rs.getString("provider");
        String status = rs.getString("instance_status");
        return new LedgerRecord(rs.getString("request_key"), rs.getString("client_request_id"),
                rs.getString("fingerprint"), rs.getString("caller"), RecordState.valueOf(rs.getString("state")),
                provider == null ? null : Provider.fromId(provider).orElseThrow(), rs.getString("region"), rs.getString("zone"),
                rs.getString("instance_type"), rs.getString("instance_id"), rs.getString("public_ip"),
                rs.getString("private_ip"), status == null ? null : InstanceStatus.valueOf(status),
                rs.getBoolean("spot"), rs.getString("spec"), labels(rs.getString("labels")),
                rs.getString("error_class"), rs.getString("error_scope"), rs.getString("error_message"), rs.getString("owner"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "instance_created_at"));
    }

    private static Timestamp dbNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Timestamp.from(rs.getObject(1, OffsetDateTime.class).toInstant());
        }
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private static String json(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> labels(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable labels in the ledger", e);
        }
    }
}

-- The ledger: one row per ProvisionInstance client request id (the instance it creates), written BEFORE the
-- cloud is called and after every step. Portable SQL: the same file migrates H2 (embedded default) and PostgreSQL.

CREATE TABLE instance_record (
    request_key        VARCHAR(64)    NOT NULL PRIMARY KEY, -- client request id, lower-cased (the cloud label)
    client_request_id  VARCHAR(64)    NOT NULL,             -- as the caller sent it (or as generated)
    fingerprint        VARCHAR(64)    NOT NULL,             -- SHA-256 of the request without its id
    caller             VARCHAR(128)   NOT NULL,
    state              VARCHAR(16)    NOT NULL,             -- CREATING RUNNING TERMINATING TERMINATED FAILED VANISHED
    provider           VARCHAR(16),                         -- current (or final) target
    region             VARCHAR(64),
    zone               VARCHAR(64),
    instance_type      VARCHAR(128),
    instance_id        VARCHAR(256),
    public_ip          VARCHAR(64),
    private_ip         VARCHAR(64),
    instance_status    VARCHAR(16),                         -- last status seen in the cloud
    spot               BOOLEAN        NOT NULL DEFAULT FALSE,
    spec               VARCHAR(20000) NOT NULL,             -- the request, canonical JSON (id removed)
    labels             VARCHAR(20000) NOT NULL,             -- user labels, JSON
    error_class        VARCHAR(32),
    error_scope        VARCHAR(16),
    error_message      VARCHAR(4000),
    owner              VARCHAR(160),                        -- node working on it while CREATING / TERMINATING
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    instance_created_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX instance_record_instance ON instance_record (provider, instance_id);
CREATE INDEX instance_record_state ON instance_record (state);

-- Every attempt of a request, in order: recorded before the call, completed after it.
CREATE TABLE provision_attempt (
    request_key    VARCHAR(64)   NOT NULL,
    seq            INTEGER       NOT NULL,
    provider       VARCHAR(16)   NOT NULL,
    region         VARCHAR(64)   NOT NULL,
    zone           VARCHAR(64)   NOT NULL,
    instance_type  VARCHAR(128)  NOT NULL,
    error_class    VARCHAR(32),                             -- null while running; empty string on success
    message        VARCHAR(4000),
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at       TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (request_key, seq)
);

-- TerminateInstance client request ids.
CREATE TABLE termination_request (
    request_key    VARCHAR(64)   NOT NULL PRIMARY KEY,
    fingerprint    VARCHAR(64)   NOT NULL,
    provider       VARCHAR(16)   NOT NULL,
    region         VARCHAR(64)   NOT NULL,
    instance_id    VARCHAR(256)  NOT NULL,
    status         VARCHAR(16),                             -- null until the cloud answered
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Nodes (service processes) sharing the ledger, with their heartbeat.
CREATE TABLE ledger_node (
    node_id        VARCHAR(160)  NOT NULL PRIMARY KEY,
    incarnation    VARCHAR(64)   NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Leases: at most one holder at a time (e.g. the orphan sweep).
CREATE TABLE ledger_lease (
    name           VARCHAR(64)   NOT NULL PRIMARY KEY,
    holder         VARCHAR(160)  NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

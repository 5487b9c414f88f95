-- Blueprint deployments (DeployBlueprint): one row per client request id, written before anything is started on
-- the host and after every step; and the SSH host keys pinned on first contact. Env values are never stored: only
-- a SHA-256 over the sorted environment (for idempotency).

CREATE TABLE deployment_record (
    request_key        VARCHAR(64)    NOT NULL PRIMARY KEY, -- client request id, lower-cased
    client_request_id  VARCHAR(64)    NOT NULL,
    fingerprint        VARCHAR(64)    NOT NULL,             -- SHA-256 of the request without its id
    caller             VARCHAR(128)   NOT NULL,
    blueprint_id       VARCHAR(63)    NOT NULL,
    image              VARCHAR(512)   NOT NULL,
    provider           VARCHAR(16)    NOT NULL,
    region             VARCHAR(64)    NOT NULL,
    instance_id        VARCHAR(256)   NOT NULL,
    host               VARCHAR(255)   NOT NULL,
    ssh_port           INTEGER        NOT NULL,
    ssh_user           VARCHAR(64)    NOT NULL,
    runtime            VARCHAR(16),                         -- podman or docker, once detected
    container_name     VARCHAR(128)   NOT NULL,
    container_id       VARCHAR(128),
    remote_dir         VARCHAR(512)   NOT NULL,             -- the deployment's private directory on the host
    env_hash           VARCHAR(64)    NOT NULL,
    ports              VARCHAR(4000)  NOT NULL,             -- published mappings, JSON
    health_path        VARCHAR(1024)  NOT NULL,
    qos_endpoint       VARCHAR(512),
    state              VARCHAR(16)    NOT NULL,             -- DEPLOYING RUNNING FAILED REMOVED
    detail             VARCHAR(4000),                       -- why it FAILED
    owner              VARCHAR(160)   NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX deployment_record_target ON deployment_record (provider, instance_id, blueprint_id);

CREATE TABLE ssh_host_key (
    host               VARCHAR(255)   NOT NULL,
    port               INTEGER        NOT NULL,
    host_key           VARCHAR(4000)  NOT NULL,             -- "type base64-blob"
    first_seen         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (host, port)
);

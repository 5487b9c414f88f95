package io.cloudprovisioner.deployment.ssh;

import java.util.Optional;

/** Where the SSH host key of each host:port is pinned on first contact (the ledger, in the service). */
public interface HostKeyStore {
    /** The pinned key ("type base64-blob"), if any. */
    Optional<String> find(String host, int port);

    /** Pins {@code key} unless a key is pinned already; returns the pinned key (the earlier one if there was one). */
    String pinIfAbsent(String host, int port, String key);
}

package io.cloudprovisioner.ledger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * This process as one node among those sharing the ledger: its id, its heartbeat, and the requests it is working
 * on right now. A record in progress belongs to a gone owner (and may be taken over) when the owner is this node
 * but not working on it (work left by an earlier run of this node, i.e. a crash), or another node whose heartbeat
 * is older than {@code cloudprovisioner.ledger.stale-after}.
 */
@Singleton
public class LedgerNode {
    private static final Logger LOG = Logger.getLogger(LedgerNode.class);

    @Inject
    Ledger ledger;
    @ConfigProperty(name = "cloudprovisioner.ledger.node-id")
    Optional<String> configuredId;
    @ConfigProperty(name = "quarkus.http.port", defaultValue = "9000")
    int grpcPort;
    @ConfigProperty(name = "cloudprovisioner.ledger.stale-after", defaultValue = "60s")
    Duration staleAfter;

    private final String incarnation = UUID.randomUUID().toString();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private volatile String id;

    void onStart(@Observes @Priority(20) StartupEvent e) {
        ledger.heartbeat(id(), incarnation, true);
        LOG.infof("ledger node %s (run %s)", id(), incarnation.substring(0, 8));
    }

    @Scheduled(every = "${cloudprovisioner.ledger.heartbeat}", delayed = "${cloudprovisioner.ledger.heartbeat}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        try {
            ledger.heartbeat(id(), incarnation, false);
        } catch (LedgerException ex) {
            LOG.warnf("ledger heartbeat failed: %s", ex.getMessage());
        }
    }

    public String id() {
        if (id == null) {
            id = configuredId.filter(s -> !s.isBlank()).orElseGet(() -> {
                String host;
                try {
                    host = InetAddress.getLocalHost().getHostName();
                } catch (java.io.IOException ex) {
                    host = "localhost";
                }
                return host + ":" + grpcPort;
            });
        }
        return id;
    }

    /** Marks a request as worked on by this node; the future completes when {@link #release} is called. */
    public CompletableFuture<Void> track(String key) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        CompletableFuture<Void> prev = inFlight.putIfAbsent(key, f);
        return prev == null ? f : null;
    }

    /** The work this node is doing on a request, if any (to wait for it). */
    public Optional<CompletableFuture<Void>> working(String key) {
        return Optional.ofNullable(inFlight.get(key));
    }

    public void release(String key) {
        CompletableFuture<Void> f = inFlight.remove(key);
        if (f != null) {
            f.complete(null);
        }
    }

    /** Whether nobody is working on the record any more (see the class comment). */
    public boolean ownerGone(LedgerRecord r) {
        if (r.owner() == null) {
            return true;
        }
        if (r.owner().equals(id())) {
            return !inFlight.containsKey(r.requestKey());
        }
        return !ledger.alive(r.owner(), staleAfter);
    }
}

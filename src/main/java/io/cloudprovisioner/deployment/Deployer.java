package io.cloudprovisioner.deployment;

import io.cloudprovisioner.deployment.health.HealthProbe;
import io.cloudprovisioner.deployment.runtime.ContainerRuntime;
import io.cloudprovisioner.deployment.runtime.commands.ContainerSpec;
import io.cloudprovisioner.deployment.runtime.commands.InspectCommands;
import io.cloudprovisioner.deployment.ssh.SshClient;
import io.cloudprovisioner.deployment.ssh.SshSession;
import io.cloudprovisioner.deployment.ssh.SshTarget;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.NetworkSettings;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs a workload on an instance over SSH: connect (retrying while it boots; host key pinned), detect the engine,
 * pull, start the container with the env delivered byte-for-byte, read back what was published, wait for health.
 * A deployment that does not become healthy is removed again. Each step is in the ledger's deployment record.
 * Callers (the gRPC layer) validate, resolve the instance and handle idempotency; this class does the host work.
 */
@Singleton
public class Deployer {
    private static final Logger LOG = Logger.getLogger(Deployer.class);
    public static final String LABEL_REQUEST_ID = "io.cloudprovisioner.request-id";
    public static final String LABEL_BLUEPRINT_ID = "io.cloudprovisioner.blueprint-id";

    @Inject
    DeploymentSettings settings;
    @Inject
    DeploymentStore store;
    @Inject
    ServiceKeys keys;
    @Inject
    NetworkSettings network;

    private SshClient ssh;
    private HealthProbe probe;

    @PostConstruct
    void init() {
        ssh = new SshClient(keys.key(), store, settings.sshConnectTimeout(), settings.sshRetryDelay());
        probe = new HealthProbe(settings.probeTimeout());
    }

    /** The login user on an instance of {@code p}: configured, else what the provider's adapter sets up. */
    public String loginUser(Provider p) {
        String configured = settings.sshUser().get(p.id());
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return switch (p) {
            case AWS -> "ubuntu";
            case GCP, AZURE -> network.sshUser();
            case DIGITALOCEAN, VULTR -> "root";
        };
    }

    public int sshPort() {
        return settings.sshPort();
    }

    /** The record's container name: unique per deployment (blueprint id plus a hash of the request key). */
    public static String containerName(String blueprintId, String requestKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(requestKey.getBytes(StandardCharsets.UTF_8));
            return "cp-" + blueprintId + "-" + HexFormat.of().formatHex(h, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String remoteDir(String containerName) {
        return settings.remoteDir() + "/" + containerName;
    }

    /** Ports of the workload that are not among the ports the adapters open (cloudprovisioner.network.ingress-ports). */
    public List<String> portsNotOpened(Workload w) {
        List<String> out = new ArrayList<>();
        for (Workload.Port p : w.ports()) {
            if (p.udp() || !network.ingressPorts().contains(p.containerPort())) {
                out.add(p.containerPort() + (p.udp() ? "/udp" : "/tcp"));
            }
        }
        return out;
    }

    /**
     * Deploys the workload of a DEPLOYING record (already in the ledger) and leaves the record RUNNING, or FAILED
     * with nothing left running. Throws {@link DeploymentFailure}, or the SSH exceptions, when it failed.
     *
     * @param deadline when the caller stops waiting (bounds connecting, the commands and the health wait)
     */
    public DeploymentRecord deploy(DeploymentRecord r, Workload w, Instant deadline) {
        Instant end = earliest(deadline.minus(margin(deadline)), Instant.now().plus(settings.sshRetryFor()
                .plus(settings.commandTimeout()).plus(settings.healthTimeout())));
        SshTarget target = new SshTarget(r.host(), r.sshPort(), r.sshUser());
        try (SshSession s = ssh.connect(target, earliest(end, Instant.now().plus(settings.sshRetryFor())))) {
            ContainerRuntime rt = ContainerRuntime.detect(s, commandTimeout(end));
            String name = r.containerName();
            boolean started = false;
            try {
                rt.ensureImage(w.image(), "always".equalsIgnoreCase(settings.pullPolicy()));
                rt.remove(name); // a container an interrupted earlier try of this same request may have left
                started = true;
                String id = rt.run(spec(r, w), w.env(), r.remoteDir());
                List<DeploymentRecord.PortMapping> ports = published(rt, name, w);
                InspectCommands.State st = rt.state(name);
                String containerId = st != null ? st.id() : id;
                store.started(r.requestKey(), rt.kind().binary(), containerId, ports, qosEndpoint(r.host(), w, ports));
                Instant waitStart = Instant.now();
                HealthProbe.Result last = waitHealthy(rt, r, w, ports, end);
                if (!last.healthy()) {
                    throw new DeploymentFailure("UNHEALTHY", "blueprint " + w.id() + " did not become healthy within "
                            + Duration.between(waitStart, Instant.now()).toSeconds() + " s; last check: "
                            + last.detail() + "; the container was removed");
                }
                store.running(r.requestKey());
                LOG.infof("deployed blueprint %s (%s) as %s on %s", w.id(), w.image(), name, target);
                return store.find(r.requestKey()).orElseThrow();
            } catch (RuntimeException e) {
                if (started) {
                    rt.remove(name);
                }
                rt.removeDir(r.remoteDir());
                throw e;
            }
        }
    }

    private HealthProbe.Result waitHealthy(ContainerRuntime rt, DeploymentRecord r, Workload w,
            List<DeploymentRecord.PortMapping> ports, Instant end) {
        Instant until = earliest(end, Instant.now().plus(settings.healthTimeout()));
        while (true) {
            HealthProbe.Result res = check(rt, r.host(), r.containerName(), w.healthPath(), ports);
            if (res.healthy() || Instant.now().plus(settings.probeInterval()).isAfter(until)) {
                return res;
            }
            try {
                Thread.sleep(settings.probeInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return res;
            }
        }
    }

    /** One health check: the first published port from here (HTTP or TCP), or the container's state without ports. */
    private HealthProbe.Result check(ContainerRuntime rt, String host, String container, String path,
            List<DeploymentRecord.PortMapping> ports) {
        DeploymentRecord.PortMapping first = ports.stream().filter(p -> p.protocol().equals("tcp")).findFirst()
                .orElse(null);
        if (first != null) {
            return probe.probe(host, first.hostPort(), path);
        }
        InspectCommands.State st = rt == null ? null : rt.state(container);
        boolean up = st != null && st.running();
        return new HealthProbe.Result(up, "container " + container + " on " + host + ": "
                + (st == null ? "not found" : up ? "running" : "not running"), Instant.now());
    }

    /** HealthCheckBlueprint: probes a RUNNING deployment's endpoint (or, without ports, its container over SSH). */
    public HealthProbe.Result health(DeploymentRecord r, Instant deadline) {
        boolean tcp = r.ports().stream().anyMatch(p -> p.protocol().equals("tcp"));
        if (tcp) {
            return check(null, r.host(), r.containerName(), r.healthPath(), r.ports());
        }
        try (SshSession s = ssh.connect(new SshTarget(r.host(), r.sshPort(), r.sshUser()), earliest(deadline,
                Instant.now().plus(settings.sshConnectTimeout())))) {
            return check(ContainerRuntime.detect(s, commandTimeout(deadline)), r.host(), r.containerName(), "",
                    List.of());
        }
    }

    /** Removes exactly what a deployment created: its container and its directory. What was removed, in words. */
    public List<String> remove(DeploymentRecord r, Instant deadline) {
        List<String> removed = new ArrayList<>();
        SshTarget target = new SshTarget(r.host(), r.sshPort(), r.sshUser());
        try (SshSession s = ssh.connect(target, earliest(deadline.minus(margin(deadline)),
                Instant.now().plus(settings.sshRetryFor())))) {
            ContainerRuntime rt = ContainerRuntime.detect(s, commandTimeout(deadline));
            boolean existed = rt.state(r.containerName()) != null;
            if (!rt.remove(r.containerName())) {
                throw new DeploymentFailure("CONTAINER_REMOVE_FAILED", "removing container " + r.containerName()
                        + " on " + target + " failed");
            }
            if (existed) {
                removed.add("container " + r.containerName() + (r.containerId() == null ? "" : " ("
                        + r.containerId() + ")") + " on " + r.host());
            }
            boolean dir = s.mode(r.remoteDir()) >= 0;
            if (!rt.removeDir(r.remoteDir())) {
                throw new DeploymentFailure("HOST_FILES_FAILED", "removing " + r.remoteDir() + " on " + target
                        + " failed");
            }
            if (dir) {
                removed.add("directory " + r.remoteDir() + " on " + r.host());
            }
        }
        return removed;
    }

    private ContainerSpec spec(DeploymentRecord r, Workload w) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE);
        labels.put(LABEL_REQUEST_ID, r.clientRequestId());
        labels.put(LABEL_BLUEPRINT_ID, w.id());
        List<ContainerSpec.Port> ports = w.ports().stream().map(p -> new ContainerSpec.Port(p.containerPort(),
                p.udp())).toList();
        return new ContainerSpec(r.containerName(), w.image(), List.copyOf(w.env().keySet()), ports, w.command(),
                w.cpus(), w.memoryMib(), settings.restartPolicy(), settings.pidsLimit(), settings.readOnlyRoot(),
                settings.tmpfs(), settings.runAsUser().filter(u -> !u.isBlank()).orElse(null), labels,
                settings.publishAddress());
    }

    /** The requested ports as the engine published them; every requested port must be there. */
    private static List<DeploymentRecord.PortMapping> published(ContainerRuntime rt, String name, Workload w) {
        List<InspectCommands.Published> seen = rt.ports(name);
        List<DeploymentRecord.PortMapping> out = new ArrayList<>();
        for (Workload.Port p : w.ports()) {
            String proto = p.udp() ? "udp" : "tcp";
            InspectCommands.Published got = seen.stream().filter(x -> x.containerPort() == p.containerPort()
                    && x.protocol().equals(proto)).findFirst().orElseThrow(() -> new DeploymentFailure(
                            "PORT_NOT_PUBLISHED", "the engine did not publish port " + p.containerPort() + "/" + proto
                                    + " of " + name));
            out.add(new DeploymentRecord.PortMapping(p.containerPort(), got.hostPort(), proto, p.name()));
        }
        return out;
    }

    /** The QoS endpoint URL of a deployment: the blueprint port named metrics, else the first, as published. */
    public static String qosEndpoint(String host, Workload w, List<DeploymentRecord.PortMapping> ports) {
        Workload.Port q = w.qosPort();
        if (q == null) {
            return "";
        }
        DeploymentRecord.PortMapping m = ports.stream().filter(p -> p.containerPort() == q.containerPort()
                && p.protocol().equals(q.udp() ? "udp" : "tcp")).findFirst().orElseThrow();
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (q.udp() ? "udp://" : "http://") + h + ":" + m.hostPort();
    }

    private Duration commandTimeout(Instant end) {
        Duration left = Duration.between(Instant.now(), end);
        return left.compareTo(settings.commandTimeout()) < 0 ? (left.isNegative() ? Duration.ofSeconds(1) : left)
                : settings.commandTimeout();
    }

    /** Time kept back before the caller's deadline to clean up and answer (a sixth of what is left, at most 10 s). */
    public static Duration margin(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        Duration sixth = left.dividedBy(6);
        return sixth.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : sixth;
    }

    public static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}

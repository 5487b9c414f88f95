package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.NetworkSettings;
import io.cloudprovisioner.provider.GuardedAdapter;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderAnswers.Page;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.provider.ProvisionRequest;
import io.cloudprovisioner.provider.vultr.dto.FirewallGroup;
import io.cloudprovisioner.provider.vultr.dto.InstanceCreate;
import io.cloudprovisioner.provider.vultr.dto.Meta;
import io.cloudprovisioner.provider.vultr.dto.Plan;
import io.cloudprovisioner.provider.vultr.dto.SshKey;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Vultr instances through the official REST API v2. Idempotent by tag: before creating, the instances tagged with the
 * request's tag are looked up and the existing one is returned. New instances get the firewall group built from
 * {@link NetworkSettings} (created once, found by its description).
 */
@Singleton
public class VultrAdapter extends GuardedAdapter {
    private static final Logger LOG = Logger.getLogger(VultrAdapter.class);

    private final VultrClients clients;
    private final VultrSettings settings;
    private final NetworkSettings network;
    private volatile String firewallGroupId;
    private volatile String registeredKeyId;

    @Inject
    public VultrAdapter(VultrClients clients, VultrSettings settings, NetworkSettings network, ProviderGuards guards) {
        super(guards.of(Provider.VULTR, settings.faultTolerance()),
                new ProviderAnswers(Provider.VULTR, settings.providerAnswers()));
        this.clients = clients;
        this.settings = settings;
        this.network = network;
        guard.expectLongerThan(Call.PROVISION, settings.provisionTimeout(), "the wait for a running instance");
    }

    @Override
    public Provider provider() {
        return Provider.VULTR;
    }

    /** Forgets the cached firewall group and key ids (they are looked up again); for tests. */
    void forgetCachedIds() {
        firewallGroupId = null;
        registeredKeyId = null;
    }

    @Override
    protected Instance provisionOnce(ProvisionRequest request) {
        if (request.requireTee()) {
            throw ProviderException.refused(Provider.VULTR, ErrorClass.INVALID_REQUEST, ErrorScope.PROVIDER,
                    "tee_unsupported", "Vultr offers no confidential-computing instances");
        }
        if (request.spot()) {
            throw ProviderException.refused(Provider.VULTR, ErrorClass.INVALID_REQUEST, ErrorScope.PROVIDER,
                    "spot_unsupported", "Vultr has no spot / preemptible instances");
        }
        String requestTag = ManagedLabels.requestTag(request.clientRequestId());
        VultrApi api = clients.api();
        Optional<io.cloudprovisioner.provider.vultr.dto.Instance> existing = answers.labelled("instances tagged "
                + requestTag, listByTag(requestTag), io.cloudprovisioner.provider.vultr.dto.Instance::id,
                i -> i.tags() != null && i.tags().contains(requestTag) && i.tags().contains(ManagedLabels.managedTag()),
                requestTag).stream().findFirst();
        String id;
        if (existing.isPresent()) {
            id = existing.get().id();
            LOG.infof("Vultr instance %s already exists for request %s", id, request.clientRequestId());
        } else {
            String name = name(request.clientRequestId());
            InstanceCreate body = new InstanceCreate(request.region(), request.instanceType(), settings.osId(), name,
                    name, sshKeys(), VultrConverter.tags(ManagedLabels.forRequest(request.clientRequestId(),
                            request.labels())), ensureFirewallGroup(), settings.userData()
                                    .map(u -> Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)))
                                    .orElse(null));
            id = clients.call("instances.create", false, () -> api.createInstance(body)).instance().id();
            LOG.infof("Vultr instance %s created (%s in %s) for request %s", id, request.instanceType(),
                    request.region(), request.clientRequestId());
        }
        return waitActive(id);
    }

    /** Reads the instance every poll interval until it is active and running, bounded by the provision timeout. */
    Instance waitActive(String id) {
        VultrApi api = clients.api();
        long deadline = System.nanoTime() + settings.provisionTimeout().toNanos();
        long interval = Math.max(1, settings.pollInterval().toMillis());
        long maxPolls = settings.provisionTimeout().toMillis() / interval + 2;
        Instance last = null;
        for (long poll = 0; poll < maxPolls; poll++) {
            last = VultrConverter.toInstance(clients.call("instances.get", true, () -> api.getInstance(id))
                    .instance());
            if (last.status() == InstanceStatus.RUNNING) {
                return last;
            }
            if (System.nanoTime() + interval * 1_000_000L > deadline) {
                break;
            }
            VultrClients.sleep(Duration.ofMillis(interval));
        }
        throw new ProviderException(Provider.VULTR, ErrorClass.TRANSIENT, ErrorScope.REQUEST,
                last == null ? "timeout" : last.providerStatus(), "instance " + id + " not running after "
                        + settings.provisionTimeout().toSeconds() + " s; provisioning again with the same "
                        + "client_request_id returns it");
    }

    /**
     * DELETE of the instance: 204 means the delete was accepted, not that the instance is gone (the caller reads it back to
     * confirm), so the answer is STOPPING; 404 is NOT_FOUND (the API does not know the id).
     */
    @Override
    protected Instance terminateOnce(String region, String instanceId) {
        VultrApi api = clients.api();
        clients.run("instances.delete", true, () -> api.deleteInstance(instanceId));
        LOG.infof("Vultr instance %s delete accepted", instanceId);
        return new Instance(instanceId, Provider.VULTR, "", region, "", "", "", InstanceStatus.STOPPING,
                "delete accepted", null, null, false, "");
    }

    @Override
    protected Instance describeOnce(String region, String instanceId) {
        VultrApi api = clients.api();
        return VultrConverter.toInstance(clients.call("instances.get", true, () -> api.getInstance(instanceId))
                .instance());
    }

    @Override
    protected List<Instance> listManagedOnce(String region) {
        return listByTag(ManagedLabels.managedTag()).stream().map(VultrConverter::toInstance)
                .filter(i -> region == null || region.isEmpty() || region.equals(i.region())).toList();
    }

    @Override
    protected List<DiscoveredType> discoverTypesOnce(String region) {
        return plans(clients, settings, answers).stream()
                .filter(p -> region == null || region.isEmpty()
                        || (p.locations() != null && p.locations().contains(region)))
                .map(VultrConverter::toType).toList();
    }

    private List<io.cloudprovisioner.provider.vultr.dto.Instance> listByTag(String tag) {
        VultrApi api = clients.api();
        return answers.pages("instances", io.cloudprovisioner.provider.vultr.dto.Instance::id, cursor -> {
            var p = clients.call("instances.list", true, () -> api.listInstances(tag, settings.pageSize(), cursor));
            return new Page<>(p.instances(), Meta.next(p.meta()));
        });
    }

    /**
     * The plans, each once and with believable figures (vCPUs, memory, disk, monthly price); for discovery and the
     * live prices alike.
     */
    static List<Plan> plans(VultrClients clients, VultrSettings settings, ProviderAnswers checks) {
        VultrApi api = clients.api();
        List<Plan> all = checks.pages("plans", Plan::id, cursor -> {
            Plan.Page p = clients.call("plans.list", true, () -> api.listPlans(settings.pageSize(), cursor));
            return new Page<>(p.plans(), Meta.next(p.meta()));
        });
        return checks.keep("plans", all, Plan::id, p -> checks.sizeProblem(p.vcpuCount(), p.ram() / 1024.0,
                p.disk(), 0, p.monthlyCost() / VultrConverter.HOURS_PER_MONTH));
    }

    /** The firewall group for the configured ingress; created with its rules once, found by description. */
    String ensureFirewallGroup() {
        if (!settings.firewall() || network.ingressPorts().isEmpty()) {
            return null;
        }
        if (firewallGroupId != null) {
            return firewallGroupId;
        }
        synchronized (this) {
            if (firewallGroupId != null) {
                return firewallGroupId;
            }
            VultrApi api = clients.api();
            String name = firewallName();
            List<FirewallGroup> all = answers.pages("firewall groups", FirewallGroup::id, cursor -> {
                FirewallGroup.Page p = clients.call("firewalls.list", true,
                        () -> api.listFirewallGroups(settings.pageSize(), cursor));
                return new Page<>(p.firewallGroups(), Meta.next(p.meta()));
            });
            Optional<FirewallGroup> found = all.stream().filter(f -> name.equals(f.description())).findFirst();
            if (found.isPresent()) {
                firewallGroupId = found.get().id();
                return firewallGroupId;
            }
            String groupId = clients.call("firewalls.create", false,
                    () -> api.createFirewallGroup(new FirewallGroup(null, name))).firewallGroup().id();
            for (int port : network.ingressPorts()) {
                for (String cidr : network.ingressCidrs()) {
                    String[] parts = cidr.split("/", 2);
                    boolean v6 = parts[0].contains(":");
                    int size = parts.length == 2 ? Integer.parseInt(parts[1]) : (v6 ? 128 : 32);
                    FirewallGroup.Rule rule = new FirewallGroup.Rule(null, v6 ? "v6" : "v4", "tcp", parts[0], size,
                            Integer.toString(port), "cloud-provisioner ingress");
                    clients.call("firewallRules.create", false, () -> api.createFirewallRule(groupId, rule));
                }
            }
            firewallGroupId = groupId;
            LOG.infof("Vultr firewall group %s (%s) created", name, groupId);
            return groupId;
        }
    }

    /** Description: the configured prefix plus a hash of the rules, so changed rules get their own group. */
    String firewallName() {
        String rules = network.ingressPorts() + "|" + network.ingressCidrs();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(rules.getBytes(StandardCharsets.UTF_8));
            return settings.firewallName() + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Configured key ids plus the registered public key, if any. */
    List<String> sshKeys() {
        List<String> keys = new ArrayList<>(settings.sshKeys().orElse(List.of()));
        Optional<String> pub = network.sshPublicKey().filter(s -> !s.isBlank());
        if (pub.isPresent() && settings.registerSshKey()) {
            keys.add(registeredKey(pub.get().strip()));
        }
        return keys.isEmpty() ? null : keys;
    }

    private synchronized String registeredKey(String publicKey) {
        if (registeredKeyId != null) {
            return registeredKeyId;
        }
        VultrApi api = clients.api();
        List<SshKey> all = answers.pages("ssh keys", SshKey::id, cursor -> {
            SshKey.Page p = clients.call("sshKeys.list", true, () -> api.listSshKeys(settings.pageSize(), cursor));
            return new Page<>(p.sshKeys(), Meta.next(p.meta()));
        });
        Optional<SshKey> found = all.stream().filter(k -> settings.sshKeyName().equals(k.name())
                || publicKey.equals(k.sshKey() == null ? null : k.sshKey().strip())).findFirst();
        SshKey key = found.orElseGet(() -> clients.call("sshKeys.create", false,
                () -> api.createSshKey(new SshKey(null, settings.sshKeyName(), publicKey))).sshKey());
        registeredKeyId = key.id();
        return key.id();
    }

    /** Label and host name: prefix-requestid in lower-case letters, digits and '-'. */
    String name(String requestId) {
        String s = (settings.namePrefix() + "-" + requestId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return s.isEmpty() ? "cp" : s.substring(0, Math.min(s.length(), 63));
    }
}

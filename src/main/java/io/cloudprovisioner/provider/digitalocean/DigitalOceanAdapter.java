package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.NetworkSettings;
import io.cloudprovisioner.provider.GuardedAdapter;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.provider.ProvisionRequest;
import io.cloudprovisioner.provider.digitalocean.dto.Droplet;
import io.cloudprovisioner.provider.digitalocean.dto.DropletCreate;
import io.cloudprovisioner.provider.digitalocean.dto.Firewall;
import io.cloudprovisioner.provider.digitalocean.dto.Pages;
import io.cloudprovisioner.provider.digitalocean.dto.Size;
import io.cloudprovisioner.provider.digitalocean.dto.SshKey;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * DigitalOcean Droplets through the official REST API v2. Idempotent by tag: before creating, the droplets tagged
 * with the request's tag are looked up and the existing one is returned. Every managed droplet carries the managed
 * tag, which is also what the cloud firewall for {@link NetworkSettings} applies to.
 */
@Singleton
public class DigitalOceanAdapter extends GuardedAdapter {
    private static final Logger LOG = Logger.getLogger(DigitalOceanAdapter.class);
    /** Upper bound of pages read by one listing (200 items each). */
    static final int MAX_PAGES = 50;

    private final DigitalOceanClients clients;
    private final DigitalOceanSettings settings;
    private final NetworkSettings network;
    private volatile String firewallId;
    private volatile Long registeredKeyId;

    @Inject
    public DigitalOceanAdapter(DigitalOceanClients clients, DigitalOceanSettings settings, NetworkSettings network,
            ProviderGuards guards) {
        super(guards.of(Provider.DIGITALOCEAN, settings.faultTolerance()));
        this.clients = clients;
        this.settings = settings;
        this.network = network;
        guard.expectLongerThan(Call.PROVISION, settings.provisionTimeout(), "the wait for an active droplet");
    }

    @Override
    public Provider provider() {
        return Provider.DIGITALOCEAN;
    }

    @Override
    protected Instance provisionOnce(ProvisionRequest request) {
        if (request.requireTee()) {
            throw ProviderException.refused(Provider.DIGITALOCEAN, ErrorClass.INVALID_REQUEST, ErrorScope.PROVIDER,
                    "tee_unsupported", "DigitalOcean offers no confidential-computing droplets");
        }
        if (request.spot()) {
            throw ProviderException.refused(Provider.DIGITALOCEAN, ErrorClass.INVALID_REQUEST, ErrorScope.PROVIDER,
                    "spot_unsupported", "DigitalOcean has no spot / preemptible droplets");
        }
        String requestTag = ManagedLabels.requestTag(request.clientRequestId());
        DigitalOceanApi api = clients.api();
        Optional<Droplet> existing = listByTag(requestTag).stream().findFirst();
        long id;
        if (existing.isPresent()) {
            id = existing.get().id();
            LOG.infof("DigitalOcean droplet %d already exists for request %s", id, request.clientRequestId());
        } else {
            DropletCreate body = new DropletCreate(name(request.clientRequestId()), request.region(),
                    request.instanceType(), image(settings.image()), sshKeys(),
                    DigitalOceanConverter.tags(ManagedLabels.forRequest(request.clientRequestId(), request.labels())),
                    settings.userData().orElse(null), null);
            id = clients.call("droplets.create", false, () -> api.createDroplet(body)).droplet().id();
            LOG.infof("DigitalOcean droplet %d created (%s in %s) for request %s", id, request.instanceType(),
                    request.region(), request.clientRequestId());
        }
        ensureFirewall();
        return waitActive(id);
    }

    /** Forgets the cached firewall and key ids (they are looked up again by name); for tests. */
    void forgetCachedIds() {
        firewallId = null;
        registeredKeyId = null;
    }

    /** Reads the droplet every poll interval until it is active, bounded by the provision timeout. */
    Instance waitActive(long id) {
        DigitalOceanApi api = clients.api();
        long deadline = System.nanoTime() + settings.provisionTimeout().toNanos();
        long interval = Math.max(1, settings.pollInterval().toMillis());
        long maxPolls = settings.provisionTimeout().toMillis() / interval + 2;
        Instance last = null;
        for (long poll = 0; poll < maxPolls; poll++) {
            last = DigitalOceanConverter.toInstance(clients.call("droplets.get", true, () -> api.getDroplet(id))
                    .droplet());
            if (last.status() == InstanceStatus.RUNNING) {
                return last;
            }
            if (last.status() == InstanceStatus.TERMINATED || last.status() == InstanceStatus.STOPPED) {
                throw new ProviderException(Provider.DIGITALOCEAN, ErrorClass.TRANSIENT, ErrorScope.REQUEST,
                        last.providerStatus(), "droplet " + id + " is " + last.providerStatus() + ", not active");
            }
            if (System.nanoTime() + interval * 1_000_000L > deadline) {
                break;
            }
            DigitalOceanClients.sleep(Duration.ofMillis(interval));
        }
        throw new ProviderException(Provider.DIGITALOCEAN, ErrorClass.TRANSIENT, ErrorScope.REQUEST,
                last == null ? "timeout" : last.providerStatus(), "droplet " + id + " not active after "
                        + settings.provisionTimeout().toSeconds() + " s; provisioning again with the same "
                        + "client_request_id returns it");
    }

    /**
     * DELETE of the droplet: 204 means the delete was accepted, not that the droplet is gone (the caller reads it back to
     * confirm), so the answer is STOPPING; 404 is NOT_FOUND (the API does not know the id).
     */
    @Override
    protected Instance terminateOnce(String region, String instanceId) {
        long id = dropletId(instanceId);
        DigitalOceanApi api = clients.api();
        clients.run("droplets.delete", true, () -> api.deleteDroplet(id));
        LOG.infof("DigitalOcean droplet %d delete accepted", id);
        return new Instance(instanceId, Provider.DIGITALOCEAN, "", region, "", "", "", InstanceStatus.STOPPING,
                "delete accepted", null, null, false, "");
    }

    @Override
    protected Instance describeOnce(String region, String instanceId) {
        long id = dropletId(instanceId);
        DigitalOceanApi api = clients.api();
        return DigitalOceanConverter.toInstance(clients.call("droplets.get", true, () -> api.getDroplet(id))
                .droplet());
    }

    @Override
    protected List<Instance> listManagedOnce(String region) {
        return listByTag(ManagedLabels.managedTag()).stream().map(DigitalOceanConverter::toInstance)
                .filter(i -> region == null || region.isEmpty() || region.equals(i.region())).toList();
    }

    @Override
    protected List<DiscoveredType> discoverTypesOnce(String region) {
        DigitalOceanApi api = clients.api();
        List<Size> sizes = pages(page -> clients.call("sizes.list", true,
                () -> api.listSizes(page, settings.pageSize())), p -> new PageOf<>(p.sizes(), p.links()));
        return sizes.stream().filter(Size::available)
                .filter(s -> region == null || region.isEmpty() || (s.regions() != null && s.regions().contains(region)))
                .map(DigitalOceanConverter::toType).toList();
    }

    private List<Droplet> listByTag(String tag) {
        DigitalOceanApi api = clients.api();
        return pages(page -> clients.call("droplets.list", true, () -> api.listDroplets(tag, page,
                settings.pageSize())), p -> new PageOf<>(p.droplets(), p.links()));
    }

    /** The cloud firewall for the configured ingress, applied to the managed tag; created once, found by name. */
    void ensureFirewall() {
        if (!settings.firewall() || firewallId != null || network.ingressPorts().isEmpty()) {
            return;
        }
        synchronized (this) {
            if (firewallId != null) {
                return;
            }
            DigitalOceanApi api = clients.api();
            String name = firewallName();
            List<Firewall> all = pages(page -> clients.call("firewalls.list", true,
                    () -> api.listFirewalls(page, settings.pageSize())), p -> new PageOf<>(p.firewalls(), p.links()));
            Optional<Firewall> found = all.stream().filter(f -> name.equals(f.name())).findFirst();
            if (found.isPresent()) {
                firewallId = found.get().id();
                return;
            }
            List<Firewall.InboundRule> in = new ArrayList<>();
            for (int port : network.ingressPorts()) {
                in.add(new Firewall.InboundRule("tcp", Integer.toString(port),
                        new Firewall.Target(List.copyOf(network.ingressCidrs()))));
            }
            Firewall.Target anywhere = new Firewall.Target(List.of("0.0.0.0/0", "::/0"));
            List<Firewall.OutboundRule> out = List.of(new Firewall.OutboundRule("tcp", "0", anywhere),
                    new Firewall.OutboundRule("udp", "0", anywhere), new Firewall.OutboundRule("icmp", "0", anywhere));
            Firewall created = clients.call("firewalls.create", false, () -> api.createFirewall(new Firewall(null,
                    name, null, in, out, List.of(ManagedLabels.managedTag())))).firewall();
            firewallId = created.id();
            LOG.infof("DigitalOcean firewall %s (%s) created for tag %s", name, firewallId,
                    ManagedLabels.managedTag());
        }
    }

    /** Firewall name: the configured prefix plus a hash of the rules, so changed rules get their own firewall. */
    String firewallName() {
        String rules = network.ingressPorts() + "|" + network.ingressCidrs();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(rules.getBytes(StandardCharsets.UTF_8));
            return settings.firewallName() + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Configured key ids / fingerprints plus the registered public key, if any. */
    List<Object> sshKeys() {
        List<Object> keys = new ArrayList<>();
        for (String k : settings.sshKeys().orElse(List.of())) {
            keys.add(k.matches("\\d+") ? (Object) Long.valueOf(k) : k);
        }
        Optional<String> pub = network.sshPublicKey().filter(s -> !s.isBlank());
        if (pub.isPresent() && settings.registerSshKey()) {
            keys.add(registeredKey(pub.get().strip()));
        }
        return keys;
    }

    private synchronized long registeredKey(String publicKey) {
        if (registeredKeyId != null) {
            return registeredKeyId;
        }
        DigitalOceanApi api = clients.api();
        List<SshKey> all = pages(page -> clients.call("keys.list", true,
                () -> api.listSshKeys(page, settings.pageSize())), p -> new PageOf<>(p.sshKeys(), p.links()));
        Optional<SshKey> found = all.stream().filter(k -> settings.sshKeyName().equals(k.name())
                || publicKey.equals(k.publicKey() == null ? null : k.publicKey().strip())).findFirst();
        SshKey key = found.orElseGet(() -> clients.call("keys.create", false,
                () -> api.createSshKey(new SshKey(null, null, publicKey, settings.sshKeyName()))).sshKey());
        registeredKeyId = key.id();
        return key.id();
    }

    /** Droplet name: prefix-requestid, reduced to the characters DigitalOcean allows and ending alphanumeric. */
    String name(String requestId) {
        String s = (settings.namePrefix() + "-" + requestId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
                .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return s.isEmpty() ? "cp" : s.substring(0, Math.min(s.length(), 255));
    }

    static Object image(String image) {
        return image.matches("\\d+") ? (Object) Long.valueOf(image) : image;
    }

    private static long dropletId(String instanceId) {
        try {
            return Long.parseLong(instanceId);
        } catch (NumberFormatException e) {
            throw new ProviderException(Provider.DIGITALOCEAN, ErrorClass.NOT_FOUND, ErrorScope.REQUEST,
                    "not_found", "no droplet has the id '" + instanceId + "' (droplet ids are numbers)");
        }
    }

    private record PageOf<T>(List<T> items, Pages.Links links) {
    }

    private static <P, T> List<T> pages(IntFunction<P> fetch, Function<P, PageOf<T>> view) {
        List<T> out = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            PageOf<T> p = view.apply(fetch.apply(page));
            if (p.items() != null) {
                out.addAll(p.items());
            }
            if (!Pages.hasNext(p.links()) || p.items() == null || p.items().isEmpty()) {
                return out;
            }
        }
        LOG.warnf("DigitalOcean listing stopped after %d pages", MAX_PAGES);
        return out;
    }
}

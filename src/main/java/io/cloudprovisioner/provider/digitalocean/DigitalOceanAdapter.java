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
import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderAnswers.Page;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.UntrustedAnswerException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * DigitalOcean Droplets through the official REST API v2. Idempotent by tag: before creating, the droplets tagged
 * with the request's tag are looked up and the existing one is returned. Every managed droplet carries the managed
 * tag, which is also what the cloud firewall for {@link NetworkSettings} applies to.
 */
@Singleton
public class DigitalOceanAdapter extends GuardedAdapter {
    private static final Logger LOG = Logger.getLogger(DigitalOceanAdapter.class);
    private static final Pattern PAGE_PARAM = Pattern.compile("[?&]page=(\\d{1,9})(?:&|$)");

    private final DigitalOceanClients clients;
    private final DigitalOceanSettings settings;
    private final NetworkSettings network;
    private volatile String firewallId;
    private volatile Long registeredKeyId;

    @Inject
    public DigitalOceanAdapter(DigitalOceanClients clients, DigitalOceanSettings settings, NetworkSettings network,
            ProviderGuards guards) {
        super(guards.of(Provider.DIGITALOCEAN, settings.faultTolerance()),
                new ProviderAnswers(Provider.DIGITALOCEAN, settings.providerAnswers()));
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
        Optional<Droplet> existing = answers.labelled("droplets tagged " + requestTag, listByTag(requestTag),
                d -> Long.toString(d.id()), d -> d.tags() != null && d.tags().contains(requestTag)
                        && d.tags().contains(ManagedLabels.managedTag()), requestTag).stream().findFirst();
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
        return sizes(clients, settings, answers).stream()
                .filter(s -> region == null || region.isEmpty() || (s.regions() != null && s.regions().contains(region)))
                .map(DigitalOceanConverter::toType).toList();
    }

    private List<Droplet> listByTag(String tag) {
        DigitalOceanApi api = clients.api();
        return answers.pages("droplets", d -> Long.toString(d.id()), next -> {
            Droplet.Page p = clients.call("droplets.list", true, () -> api.listDroplets(tag, page(next),
                    settings.pageSize()));
            return new Page<>(p.droplets(), Pages.next(p.links()));
        });
    }

    /**
     * The available sizes, each once and with believable figures (vCPUs, memory, disk, GPUs, hourly and monthly
     * price); for discovery and the live prices alike.
     */
    static List<Size> sizes(DigitalOceanClients clients, DigitalOceanSettings settings, ProviderAnswers checks) {
        DigitalOceanApi api = clients.api();
        List<Size> all = checks.pages("sizes", Size::slug, next -> {
            Size.Page p = clients.call("sizes.list", true, () -> api.listSizes(page(next), settings.pageSize()));
            return new Page<>(p.sizes(), Pages.next(p.links()));
        });
        return checks.keep("sizes", all.stream().filter(Size::available).toList(), Size::slug,
                s -> checks.sizeProblem(s.vcpus(), s.memory() / 1024.0, s.disk(),
                        s.gpuInfo() == null ? 0 : s.gpuInfo().count(), s.priceHourly()));
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
            List<Firewall> all = answers.pages("firewalls", Firewall::id, next -> {
                Firewall.Page p = clients.call("firewalls.list", true, () -> api.listFirewalls(page(next),
                        settings.pageSize()));
                return new Page<>(p.firewalls(), Pages.next(p.links()));
            });
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
        List<SshKey> all = answers.pages("ssh keys", k -> k.id() == null ? null : k.id().toString(), next -> {
            SshKey.Page p = clients.call("keys.list", true, () -> api.listSshKeys(page(next), settings.pageSize()));
            return new Page<>(p.sshKeys(), Pages.next(p.links()));
        });
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

    /**
     * The page number a {@code links.pages.next} URL names (the first page for null). DigitalOcean pages by number;
     * the next link is the cursor, so a link that names a page again is a repeated cursor.
     */
    static int page(String next) {
        if (next == null) {
            return 1;
        }
        Matcher m = PAGE_PARAM.matcher(next);
        if (!m.find()) {
            throw new UntrustedAnswerException(Provider.DIGITALOCEAN, "bad_next_link",
                    "a listing's links.pages.next names no page number");
        }
        return Integer.parseInt(m.group(1));
    }
}

package io.cloudprovisioner.provider.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.Accelerators;
import com.google.cloud.compute.v1.AggregatedListInstancesRequest;
import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.AttachedDiskInitializeParams;
import com.google.cloud.compute.v1.ConfidentialInstanceConfig;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.InsertFirewallRequest;
import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstanceAggregatedList;
import com.google.cloud.compute.v1.ListMachineTypesRequest;
import com.google.cloud.compute.v1.MachineTypeList;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.MachineType;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Scheduling;
import com.google.cloud.compute.v1.Tags;
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
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Compute Engine through the official google-cloud-compute client (REST transport). Instances are named and
 * inserted with a requestId derived from the client request id, so a retried provision finds or becomes the same
 * instance; zones of the region are tried in the configured order while the zone has no capacity. Instance ids in
 * the API are {@code zone/name}.
 */
@Singleton
public class GcpAdapter extends GuardedAdapter {
    private static final Logger LOG = Logger.getLogger(GcpAdapter.class);
    /** Upper bound on operation waits / status reads in one call, whatever the timeouts say. */
    static final int MAX_POLLS = 200;

    private final GcpSettings settings;
    private final GcpClients clients;
    private final NetworkSettings network;
    private volatile boolean firewallReady;

    @Inject
    public GcpAdapter(GcpSettings settings, GcpClients clients, NetworkSettings network, ProviderGuards guards) {
        super(guards.of(Provider.GCP, settings.faultTolerance()),
                new ProviderAnswers(Provider.GCP, settings.providerAnswers()));
        this.settings = settings;
        this.clients = clients;
        this.network = network;
        guard.expectLongerThan(Call.PROVISION, settings.provisionTimeout(), "the wait for a running instance");
        guard.expectLongerThan(Call.TERMINATE, settings.provisionTimeout(), "the wait for the delete operation");
    }

    @Override
    public Provider provider() {
        return Provider.GCP;
    }

    // ---- provision ----------------------------------------------------------------------------------

    @Override
    protected io.cloudprovisioner.domain.Instance provisionOnce(ProvisionRequest request) {
        GcpClients.Clients c = clients.get();
        Instant deadline = Instant.now().plus(settings.provisionTimeout());
        String name = instanceName(request.clientRequestId());
        // Idempotency across zones: an earlier call with this request id may have created it in any zone.
        Optional<Instance> existing = findByName(c, request.region(), name);
        if (existing.isPresent()) {
            String zone = GcpConverter.lastSegment(existing.get().getZone());
            refuseForeign(existing.get().getLabelsMap(), request.clientRequestId(), zone, name);
            LOG.infof("gcp: %s already exists in %s (same client request id)", name, zone);
            return waitRunning(c, zone, name, deadline);
        }
        ensureFirewall(c);
        List<String> zones = request.zone().isEmpty() ? zonesFor(request.region()) : List.of(request.zone());
        int tries = Math.max(1, Math.min(zones.size(), settings.maxZoneAttempts()));
        ProviderException last = null;
        for (int i = 0; i < tries; i++) {
            String zone = zones.get(i);
            try {
                return createIn(c, request, zone, name, deadline);
            } catch (ProviderException e) {
                if (!GcpErrors.tryNextZone(e) || !request.zone().isEmpty()) {
                    throw e;
                }
                LOG.infof("gcp: no capacity for %s in %s (%s), trying the next zone", request.instanceType(), zone,
                        e.providerCode());
                last = e;
            }
        }
        throw new ProviderException(Provider.GCP, ErrorClass.CAPACITY, ErrorScope.REGION, last.providerCode(),
                "no capacity for " + request.instanceType() + " in " + zones.subList(0, tries) + " of region "
                        + request.region() + "; last: " + last.getMessage());
    }

    private io.cloudprovisioner.domain.Instance createIn(GcpClients.Clients c, ProvisionRequest request, String zone,
            String name, Instant deadline) {
        InsertInstanceRequest insert = InsertInstanceRequest.newBuilder().setProject(c.project()).setZone(zone)
                .setRequestId(requestId("instances.insert", request.clientRequestId(), zone))
                .setInstanceResource(instanceBody(request, zone, name)).build();
        Operation op;
        try {
            op = c.instances().insertCallable().call(insert);
        } catch (ApiException e) {
            if (e.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS) {
                // Created by an earlier attempt of this very request (same name): adopt it, if it carries its label.
                refuseForeign(get(c, zone, name).labels(), request.clientRequestId(), zone, name);
                return waitRunning(c, zone, name, deadline);
            }
            throw GcpErrors.classify(e, "instances.insert", zone);
        }
        op = waitZoneOperation(c, zone, op, deadline, "instances.insert");
        Optional<ProviderException> failed = GcpErrors.fromOperation(op, "instances.insert", zone);
        if (failed.isPresent()) {
            throw failed.get();
        }
        return waitRunning(c, zone, name, deadline);
    }

    /** The Instance resource sent to instances.insert. */
    Instance instanceBody(ProvisionRequest request, String zone, String name) {
        Instance.Builder b = Instance.newBuilder().setName(name)
                .setMachineType("zones/" + zone + "/machineTypes/" + request.instanceType())
                .putAllLabels(ManagedLabels.forRequest(request.clientRequestId(), request.labels()))
                .setTags(Tags.newBuilder().addItems(settings.networkTag()))
                .addDisks(AttachedDisk.newBuilder().setBoot(true).setAutoDelete(true).setType("PERSISTENT")
                        .setInitializeParams(AttachedDiskInitializeParams.newBuilder()
                                .setSourceImage(settings.image())
                                .setDiskSizeGb(Math.max(10, request.storageGb()))
                                .setDiskType("zones/" + zone + "/diskTypes/" + settings.diskType())));
        NetworkInterface.Builder nic = NetworkInterface.newBuilder().setNetwork(settings.network());
        if (settings.externalIp()) {
            nic.addAccessConfigs(AccessConfig.newBuilder().setName("External NAT").setType("ONE_TO_ONE_NAT"));
        }
        b.addNetworkInterfaces(nic);
        network.sshPublicKey().map(String::trim).filter(k -> !k.isEmpty()).ifPresent(key -> b.setMetadata(
                Metadata.newBuilder().addItems(Items.newBuilder().setKey("ssh-keys")
                        .setValue(network.sshUser() + ":" + key))));
        if (request.spot() || request.requireTee()) {
            Scheduling.Builder s = Scheduling.newBuilder().setOnHostMaintenance("TERMINATE");
            if (request.spot()) {
                s.setProvisioningModel("SPOT").setAutomaticRestart(false)
                        .setInstanceTerminationAction(settings.spotTerminationAction().toUpperCase(Locale.ROOT));
            }
            b.setScheduling(s);
        }
        if (request.requireTee()) {
            b.setConfidentialInstanceConfig(confidential(request.instanceType()));
        }
        return b.build();
    }

    /**
     * The confidential-computing option for a machine series: SEV on AMD (n2d, c2d, c3d; SEV_SNP on n2d when
     * configured), TDX on Intel c3. SEV is sent as enableConfidentialCompute, the others as
     * confidentialInstanceType.
     */
    ConfidentialInstanceConfig confidential(String machineType) {
        String series = machineType.contains("-") ? machineType.substring(0, machineType.indexOf('-')) : machineType;
        String tech = switch (series) {
            case "n2d" -> settings.n2dSevSnp() ? "SEV_SNP" : "SEV";
            case "c2d", "c3d" -> "SEV";
            case "c3" -> "TDX";
            default -> throw ProviderException.refused(Provider.GCP, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST,
                    "UNSUPPORTED_CONFIDENTIAL_SERIES", "confidential computing is not offered for the " + series
                            + " series (n2d, c2d, c3d: AMD SEV; c3: Intel TDX)");
        };
        ConfidentialInstanceConfig.Builder b = ConfidentialInstanceConfig.newBuilder();
        return "SEV".equals(tech) ? b.setEnableConfidentialCompute(true).build()
                : b.setConfidentialInstanceType(tech).build();
    }

    /** The instance name for a client request id: cp-{slug}-{8 hex of its UUID}, a valid RFC 1035 label. */
    static String instanceName(String clientRequestId) {
        String slug = clientRequestId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String hash = UUID.nameUUIDFromBytes(clientRequestId.getBytes(StandardCharsets.UTF_8)).toString()
                .substring(0, 8);
        String base = "cp-" + slug;
        if (base.length() > 54) {
            base = base.substring(0, 54);
        }
        return base.replaceAll("-+$", "") + "-" + hash;
    }

    /**
     * The requestId Compute deduplicates on (a UUID, never the zero UUID): one per client request id, operation
     * and zone, since Compute returns the first operation again for a repeated requestId, even a failed one.
     */
    static String requestId(String operation, String clientRequestId, String zone) {
        return UUID.nameUUIDFromBytes(("cloud-provisioner/gcp/" + operation + "/" + clientRequestId + "/" + zone)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The zones tried within a region, in order: the explicit per-region list, else region + "-" + suffix. */
    List<String> zonesFor(String region) {
        String explicit = settings.zones().get(region);
        if (explicit != null && !explicit.isBlank()) {
            return Arrays.stream(explicit.split(",")).map(String::trim).filter(z -> !z.isEmpty()).toList();
        }
        return settings.zoneSuffixes().stream().map(s -> region + "-" + s.trim()).toList();
    }

    private Optional<Instance> findByName(GcpClients.Clients c, String region, String name) {
        return aggregatedList(c, "name = \"" + name + "\"", "instances named " + name, "").stream()
                .filter(i -> name.equals(i.getName()) && inRegion(GcpConverter.lastSegment(i.getZone()), region))
                .findFirst();
    }

    /**
     * instances.aggregatedList, one page per call through {@link ProviderAnswers#pages} (page cap, repeated page
     * tokens end it), each instance once (by zone and name).
     */
    private List<Instance> aggregatedList(GcpClients.Clients c, String filter, String what, String where) {
        AggregatedListInstancesRequest first = AggregatedListInstancesRequest.newBuilder().setProject(c.project())
                .setFilter(filter).setReturnPartialSuccess(true).build();
        try {
            return answers.pages(what, i -> GcpConverter.id(GcpConverter.lastSegment(i.getZone()), i.getName()),
                    token -> {
                        InstanceAggregatedList page = c.instances().aggregatedListCallable().call(token == null
                                ? first : first.toBuilder().setPageToken(token).build());
                        List<Instance> items = new ArrayList<>();
                        page.getItemsMap().values().forEach(scoped -> items.addAll(scoped.getInstancesList()));
                        return new Page<>(items, page.getNextPageToken());
                    });
        } catch (RuntimeException e) {
            throw GcpErrors.classify(e, "instances.aggregatedList", where);
        }
    }

    /** An instance found by the request's name is adopted only when it carries the request's labels. */
    private static void refuseForeign(Map<String, String> labels, String clientRequestId, String zone, String name) {
        if (!ManagedLabels.isOfRequest(labels, clientRequestId)) {
            LOG.warnf("gcp: instance %s in %s has the name of request %s but not its labels; not adopted", name, zone,
                    clientRequestId);
            throw new ProviderException(Provider.GCP, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, "name_taken",
                    "instance " + name + " in " + zone + " exists but does not carry the labels "
                            + ManagedLabels.MANAGED_BY + "=" + ManagedLabels.MANAGED_BY_VALUE + " and "
                            + ManagedLabels.REQUEST_ID + "=" + clientRequestId.toLowerCase(java.util.Locale.ROOT)
                            + "; it is not this request's and is not adopted (use another client_request_id)");
        }
    }

    private static boolean inRegion(String zone, String region) {
        return region == null || region.isEmpty() || GcpConverter.regionOf(zone).equals(region);
    }

    /** Creates the ingress rule for the network tag once per process; looked up by name first. */
    void ensureFirewall(GcpClients.Clients c) {
        if (firewallReady) {
            return;
        }
        String rule = settings.firewallRuleName();
        try {
            c.firewalls().get(c.project(), rule);
            firewallReady = true;
            return;
        } catch (ApiException e) {
            if (e.getStatusCode().getCode() != StatusCode.Code.NOT_FOUND) {
                throw GcpErrors.classify(e, "firewalls.get", "global");
            }
        }
        Firewall fw = Firewall.newBuilder().setName(rule).setNetwork(settings.network()).setDirection("INGRESS")
                .setDescription("cloud-provisioner: inbound ports for instances tagged " + settings.networkTag())
                .addAllSourceRanges(network.ingressCidrs()).addTargetTags(settings.networkTag())
                .addAllowed(Allowed.newBuilder().setIPProtocol("tcp")
                        .addAllPorts(network.ingressPorts().stream().map(String::valueOf).toList()))
                .build();
        Operation op;
        try {
            op = c.firewalls().insertCallable().call(InsertFirewallRequest.newBuilder().setProject(c.project())
                    .setRequestId(requestId("firewalls.insert", rule, "global")).setFirewallResource(fw).build());
        } catch (ApiException e) {
            if (e.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS) {
                firewallReady = true;
                return;
            }
            throw GcpErrors.classify(e, "firewalls.insert", "global");
        }
        Instant deadline = Instant.now().plus(settings.callTimeout());
        for (int i = 0; op.getStatus() != Operation.Status.DONE && i < MAX_POLLS && Instant.now().isBefore(deadline);
                i++) {
            try {
                op = c.globalOperations().wait(c.project(), op.getName());
            } catch (ApiException e) {
                if (e.getStatusCode().getCode() != StatusCode.Code.DEADLINE_EXCEEDED) {
                    throw GcpErrors.classify(e, "globalOperations.wait", "global");
                }
            }
        }
        Optional<ProviderException> failed = GcpErrors.fromOperation(op, "firewalls.insert", "global");
        if (failed.isPresent() && !"alreadyExists".equals(failed.get().providerCode())
                && !"RESOURCE_ALREADY_EXISTS".equals(failed.get().providerCode())) {
            throw failed.get();
        }
        firewallReady = op.getStatus() == Operation.Status.DONE;
    }

    /** Waits on a zone operation with operations.wait (server-side long poll), bounded in time and count. */
    private Operation waitZoneOperation(GcpClients.Clients c, String zone, Operation op, Instant deadline,
            String what) {
        for (int i = 0; op.getStatus() != Operation.Status.DONE && i < MAX_POLLS && Instant.now().isBefore(deadline);
                i++) {
            try {
                op = c.zoneOperations().wait(c.project(), zone, op.getName());
            } catch (ApiException e) {
                if (e.getStatusCode().getCode() != StatusCode.Code.DEADLINE_EXCEEDED) {
                    throw GcpErrors.classify(e, "zoneOperations.wait", zone);
                }
            }
        }
        if (op.getStatus() != Operation.Status.DONE) {
            throw new ProviderException(Provider.GCP, ErrorClass.TRANSIENT, ErrorScope.ZONE, "OPERATION_TIMEOUT",
                    what + " in " + zone + " did not finish within " + settings.provisionTimeout());
        }
        return op;
    }

    /** Reads the instance until it runs (or leaves the starting states), bounded by the deadline and a count. */
    private io.cloudprovisioner.domain.Instance waitRunning(GcpClients.Clients c, String zone, String name,
            Instant deadline) {
        io.cloudprovisioner.domain.Instance current = get(c, zone, name);
        long pause = Math.max(1, settings.pollInterval().toMillis());
        for (int i = 0; current.status() == InstanceStatus.STARTING && i < MAX_POLLS
                && Instant.now().plusMillis(pause).isBefore(deadline); i++) {
            sleep(pause);
            current = get(c, zone, name);
        }
        return current;
    }

    private io.cloudprovisioner.domain.Instance get(GcpClients.Clients c, String zone, String name) {
        try {
            return GcpConverter.toDomain(c.instances().get(c.project(), zone, name));
        } catch (RuntimeException e) {
            throw GcpErrors.classify(e, "instances.get", zone);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Provider.GCP, ErrorClass.TRANSIENT, ErrorScope.REQUEST, "INTERRUPTED",
                    "interrupted while waiting for the instance");
        }
    }

    // ---- describe / terminate / list / discover -------------------------------------------------------

    /** zone and name of an id: "zone/name", or a bare name looked up in the region's zones. */
    private String[] locate(GcpClients.Clients c, String region, String instanceId) {
        int slash = instanceId.indexOf('/');
        if (slash > 0 && instanceId.indexOf('/', slash + 1) < 0) {
            String zone = instanceId.substring(0, slash);
            if (region != null && !region.isEmpty() && !GcpConverter.regionOf(zone).equals(region)) {
                // what Compute itself would say when asked in the named region: no such instance there
                throw new ProviderException(Provider.GCP, ErrorClass.NOT_FOUND, ErrorScope.REQUEST, "notFound",
                        "instance " + instanceId + " not found in " + region + " (its zone " + zone + " is in "
                                + GcpConverter.regionOf(zone) + ")");
            }
            return new String[] {zone, instanceId.substring(slash + 1)};
        }
        if (slash >= 0) {
            throw new ProviderException(Provider.GCP, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, "",
                    "a GCP instance id is zone/name or a name");
        }
        Optional<Instance> found = findByName(c, region, instanceId);
        if (found.isEmpty()) {
            throw new ProviderException(Provider.GCP, ErrorClass.NOT_FOUND, ErrorScope.REQUEST, "notFound",
                    "instance " + instanceId + " not found in " + region);
        }
        return new String[] {GcpConverter.lastSegment(found.get().getZone()), instanceId};
    }

    @Override
    protected io.cloudprovisioner.domain.Instance describeOnce(String region, String instanceId) {
        GcpClients.Clients c = clients.get();
        String[] zn = locate(c, region, instanceId);
        return get(c, zn[0], zn[1]);
    }

    /**
     * instances.delete in the instance's zone, waited on (bounded). NOT_FOUND when Compute has no such instance in
     * the region; TERMINATED once the delete operation is done.
     */
    @Override
    protected io.cloudprovisioner.domain.Instance terminateOnce(String region, String instanceId) {
        GcpClients.Clients c = clients.get();
        String[] zn = locate(c, region, instanceId);
        String zone = zn[0];
        Operation op;
        try {
            op = c.instances().deleteCallable().call(DeleteInstanceRequest.newBuilder().setProject(c.project())
                    .setZone(zone).setInstance(zn[1]).setRequestId(requestId("instances.delete", instanceId, zone))
                    .build());
        } catch (ApiException e) {
            throw GcpErrors.classify(e, "instances.delete", zone);
        }
        op = waitZoneOperation(c, zone, op, Instant.now().plus(settings.provisionTimeout()), "instances.delete");
        Optional<ProviderException> failed = GcpErrors.fromOperation(op, "instances.delete", zone);
        if (failed.isPresent()) {
            throw failed.get();
        }
        return terminated(GcpConverter.regionOf(zone), zone, zn[1]);
    }

    private static io.cloudprovisioner.domain.Instance terminated(String region, String zone, String name) {
        return new io.cloudprovisioner.domain.Instance(GcpConverter.id(zone, name),
                Provider.GCP, "", region, zone, "", "", InstanceStatus.TERMINATED, "DELETED", Map.of(), null, false,
                "");
    }

    @Override
    protected List<io.cloudprovisioner.domain.Instance> listManagedOnce(String region) {
        GcpClients.Clients c = clients.get();
        List<io.cloudprovisioner.domain.Instance> out = new ArrayList<>();
        for (Instance i : aggregatedList(c, "labels." + ManagedLabels.MANAGED_BY + " = \""
                + ManagedLabels.MANAGED_BY_VALUE + "\"", "managed instances", region)) {
            io.cloudprovisioner.domain.Instance d = GcpConverter.toDomain(i);
            if (inRegion(d.zone(), region)) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    protected List<DiscoveredType> discoverTypesOnce(String region) {
        GcpClients.Clients c = clients.get();
        Map<String, DiscoveredType> types = new LinkedHashMap<>();
        for (String zone : zonesFor(region)) {
            try {
                ListMachineTypesRequest first = ListMachineTypesRequest.newBuilder().setProject(c.project())
                        .setZone(zone).build();
                for (MachineType m : answers.pages("machine types in " + zone, MachineType::getName, token -> {
                    MachineTypeList page = c.machineTypes().listCallable().call(token == null ? first
                            : first.toBuilder().setPageToken(token).build());
                    return new Page<>(page.getItemsList(), page.getNextPageToken());
                })) {
                    int gpus = m.getAcceleratorsList().stream().mapToInt(Accelerators::getGuestAcceleratorCount).sum();
                    types.putIfAbsent(m.getName(), new DiscoveredType(m.getName(), m.getGuestCpus(),
                            m.getMemoryMb() / 1024.0, gpus, Double.NaN));
                }
            } catch (ApiException e) {
                ProviderException p = GcpErrors.classify(e, "machineTypes.list", zone);
                if (p.errorClass() != ErrorClass.NOT_FOUND) {
                    throw p;
                }
                // A configured zone suffix the region does not have: skip it.
            }
        }
        return List.copyOf(types.values());
    }

    Duration pollInterval() {
        return settings.pollInterval();
    }
}

package io.cloudprovisioner.provider.aws;

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
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AmdSevSnpSpecification;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.CpuOptionsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.EnclaveOptionsRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.InstanceInterruptionBehavior;
import software.amazon.awssdk.services.ec2.model.InstanceMarketOptionsRequest;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsRequest;
import software.amazon.awssdk.services.ec2.model.InstanceStateChange;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.NitroEnclavesSupport;
import software.amazon.awssdk.services.ec2.model.Placement;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.SpotMarketOptions;
import software.amazon.awssdk.services.ec2.model.SupportedAdditionalProcessorFeature;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * AWS EC2 through the official SDK (url-connection HTTP client). Blocking. Per region: the image is resolved with
 * DescribeImages (owner + name filter, newest CreationDate; or an explicit AMI from the settings) and cached, a
 * security group named {@link AwsSettings#securityGroupName()} tagged managed-by is found or created once, opening
 * only {@link NetworkSettings#ingressPorts()} to {@link NetworkSettings#ingressCidrs()}, and attached to every
 * instance. Unless a key pair name is configured, the service's SSH public key is imported once per region as a
 * key pair whose name carries a digest of the key (DescribeKeyPairs first). RunInstances carries the client request
 * id as ClientToken (EC2's idempotency), the managed labels as instance and volume tags, the root volume size, the TEE and spot options; the SDK's waiter then waits (bounded)
 * for running.
 */
@Singleton
public class AwsAdapter extends GuardedAdapter {
    private static final Logger LOG = Logger.getLogger(AwsAdapter.class);
    static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped", "shutting-down");

    private final AwsClients clients;
    private final AwsSettings settings;
    private final NetworkSettings network;
    private final Map<String, ImageChoice> images = new ConcurrentHashMap<>();
    private final Map<String, TypeInfo> types = new ConcurrentHashMap<>();
    private final Map<String, String> securityGroups = new ConcurrentHashMap<>();
    /** Imported key pair name by region + public key. */
    private final Map<String, String> keyPairs = new ConcurrentHashMap<>();

    @Inject
    public AwsAdapter(AwsClients clients, AwsSettings settings, NetworkSettings network, ProviderGuards guards) {
        super(guards.of(Provider.AWS, settings.faultTolerance()),
                new ProviderAnswers(Provider.AWS, settings.providerAnswers()));
        this.clients = clients;
        this.settings = settings;
        this.network = network;
        guard.expectLongerThan(Call.PROVISION, settings.provisionTimeout(), "the waiter's wait for running");
    }

    @Override
    public Provider provider() {
        return Provider.AWS;
    }

    /** The AMI and its root device name. */
    record ImageChoice(String imageId, String rootDeviceName) {
    }

    /** What provisioning needs to know about an instance type, from DescribeInstanceTypes. */
    record TypeInfo(String architecture, boolean amdSevSnp, boolean nitroEnclaves) {
    }

    @Override
    protected Instance provisionOnce(ProvisionRequest req) {
        boolean zoneSet = !req.zone().isEmpty();
        String region = req.region();
        Ec2Client ec2 = clients.ec2(region);
        TypeInfo type = typeInfo(ec2, region, req.instanceType(), zoneSet);
        ImageChoice image = image(ec2, region, type.architecture(), zoneSet);
        String groupId = securityGroup(ec2, region);

        Map<String, String> labels = ManagedLabels.forRequest(req.clientRequestId(), req.labels());
        List<Tag> tags = labels.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
        RunInstancesRequest.Builder run = RunInstancesRequest.builder()
                .imageId(image.imageId())
                .instanceType(req.instanceType())
                .minCount(1)
                .maxCount(1)
                .clientToken(req.clientRequestId())
                .securityGroupIds(groupId)
                .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(image.rootDeviceName())
                        .ebs(EbsBlockDevice.builder().volumeSize(req.storageGb())
                                .volumeType(settings.rootVolumeType()).deleteOnTermination(true).encrypted(true)
                                .build())
                        .build())
                .tagSpecifications(
                        TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags).build(),
                        TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags).build())
                .metadataOptions(InstanceMetadataOptionsRequest.builder().httpTokens(HttpTokensState.REQUIRED)
                        .httpEndpoint(InstanceMetadataEndpointState.ENABLED).build());
        keyName(ec2, region).ifPresent(run::keyName);
        settings.subnetId().ifPresent(run::subnetId);
        if (zoneSet) {
            run.placement(Placement.builder().availabilityZone(req.zone()).build());
        }
        if (req.requireTee()) {
            if (type.amdSevSnp()) {
                run.cpuOptions(CpuOptionsRequest.builder().amdSevSnp(AmdSevSnpSpecification.ENABLED).build());
            } else if (type.nitroEnclaves()) {
                run.enclaveOptions(EnclaveOptionsRequest.builder().enabled(true).build());
            } else {
                throw ProviderException.refused(Provider.AWS, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST,
                        "Unsupported", "EC2 reports neither AMD SEV-SNP nor Nitro Enclaves for "
                                + req.instanceType() + " in " + region);
            }
        }
        if (req.spot()) {
            run.instanceMarketOptions(InstanceMarketOptionsRequest.builder().marketType(MarketType.SPOT)
                    .spotOptions(SpotMarketOptions.builder().spotInstanceType(SpotInstanceType.ONE_TIME)
                            .instanceInterruptionBehavior(InstanceInterruptionBehavior.TERMINATE).build())
                    .build());
        }
        RunInstancesResponse started = call("RunInstances", zoneSet, () -> ec2.runInstances(run.build()));
        if (started.instances().isEmpty()) {
            throw new ProviderException(Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.REGION, "",
                    "EC2 RunInstances answered without an instance");
        }
        String id = started.instances().get(0).instanceId();
        LOG.infof("EC2 RunInstances %s in %s: %s (request %s)", req.instanceType(), region, id, req.clientRequestId());
        return waitRunning(region, id, zoneSet);
    }

    private Instance waitRunning(String region, String id, boolean zoneSet) {
        DescribeInstancesRequest q = DescribeInstancesRequest.builder().instanceIds(id).build();
        WaiterResponse<DescribeInstancesResponse> w;
        try {
            w = clients.waiter(region).waitUntilInstanceRunning(q);
        } catch (RuntimeException e) {
            if (!(e instanceof SdkClientException) || e.getCause() instanceof AwsServiceException) {
                throw AwsErrors.classify(e, "DescribeInstances", zoneSet);
            }
            // the waiter gave up: the instance ended in a failure state, or did not run within the timeout
            software.amazon.awssdk.services.ec2.model.Instance now = call("DescribeInstances", zoneSet,
                    () -> clients.ec2(region).describeInstances(b -> b.instanceIds(id))).reservations().stream()
                    .flatMap(res -> res.instances().stream()).filter(i -> id.equals(i.instanceId())).findFirst()
                    .orElseThrow(() -> new ProviderException(Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.REGION,
                            "InvalidInstanceID.NotFound", "EC2 instance " + id + " vanished while launching", e));
            String state = AwsConverter.stateName(now.state());
            if (AwsConverter.status(state) == InstanceStatus.TERMINATED) {
                String reason = now.stateReason() == null || now.stateReason().code() == null ? ""
                        : now.stateReason().code();
                ErrorClass c = reason.contains("Capacity") ? ErrorClass.CAPACITY
                        : reason.contains("LimitExceeded") ? ErrorClass.QUOTA : ErrorClass.INVALID_REQUEST;
                ErrorScope s = c == ErrorClass.CAPACITY ? zoneSet ? ErrorScope.ZONE : ErrorScope.REGION
                        : c == ErrorClass.QUOTA ? ErrorScope.REGION : ErrorScope.REQUEST;
                throw new ProviderException(Provider.AWS, c, s, reason, "EC2 instance " + id + " went to " + state
                        + " while launching" + (reason.isEmpty() ? "" : " (" + reason + ")"));
            }
            throw new ProviderException(Provider.AWS, ErrorClass.TRANSIENT, ErrorScope.REGION, "WaiterTimeout",
                    "EC2 instance " + id + " is " + state + ", not running, after "
                            + settings.provisionTimeout().toSeconds() + " s; retry with the same client request id "
                            + "to wait for the same instance", e);
        }
        Optional<DescribeInstancesResponse> r = w.matched().response();
        return r.flatMap(resp -> resp.reservations().stream().flatMap(res -> res.instances().stream())
                .filter(i -> id.equals(i.instanceId())).findFirst())
                .map(i -> AwsConverter.toInstance(i, region))
                .orElseGet(() -> describe(region, id));
    }

    private TypeInfo typeInfo(Ec2Client ec2, String region, String instanceType, boolean zoneSet) {
        TypeInfo known = types.get(instanceType);
        if (known != null) {
            return known;
        }
        List<InstanceTypeInfo> found = call("DescribeInstanceTypes", zoneSet,
                () -> ec2.describeInstanceTypes(b -> b.instanceTypesWithStrings(instanceType)).instanceTypes());
        if (found.isEmpty()) {
            throw new ProviderException(Provider.AWS, ErrorClass.INVALID_REQUEST, ErrorScope.REGION,
                    "InvalidInstanceType", "EC2 does not offer " + instanceType + " in " + region);
        }
        // the answer is checked, not trusted: the entry of the type asked for, not whatever is listed first
        InstanceTypeInfo t = found.stream().filter(f -> instanceType.equals(f.instanceTypeAsString())).findFirst()
                .orElseThrow(() -> new ProviderException(Provider.AWS, ErrorClass.INVALID_REQUEST, ErrorScope.REGION,
                        "InvalidInstanceType", "EC2 does not offer " + instanceType + " in " + region));
        List<String> arch = t.processorInfo() == null ? List.of()
                : t.processorInfo().supportedArchitecturesAsStrings();
        TypeInfo info = new TypeInfo(arch.contains("x86_64") || arch.isEmpty() ? "x86_64" : arch.get(0),
                t.processorInfo() != null && t.processorInfo().supportedFeatures()
                        .contains(SupportedAdditionalProcessorFeature.AMD_SEV_SNP),
                t.nitroEnclavesSupport() == NitroEnclavesSupport.SUPPORTED);
        types.put(instanceType, info);
        return info;
    }

    private ImageChoice image(Ec2Client ec2, String region, String architecture, boolean zoneSet) {
        String key = region + "/" + architecture;
        ImageChoice cached = images.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<String> explicit = explicitAmi(region);
        List<Image> found;
        if (explicit.isPresent()) {
            found = call("DescribeImages", zoneSet, () -> ec2.describeImages(b -> b.imageIds(explicit.get())).images());
        } else {
            String name = settings.imageNameFilter().replace("{arch}", architecture.equals("arm64") ? "arm64"
                    : "amd64");
            found = call("DescribeImages", zoneSet, () -> ec2.describeImages(b -> b.owners(settings.imageOwner())
                    .filters(filter("name", name), filter("architecture", architecture),
                            filter("state", "available")))
                    .images());
        }
        Image newest = found.stream().max(Comparator.comparing(i -> i.creationDate() == null ? ""
                : i.creationDate())).orElseThrow(() -> new ProviderException(Provider.AWS,
                        ErrorClass.INVALID_REQUEST, ErrorScope.REGION, "InvalidAMIID.NotFound",
                        "no EC2 image in " + region + " matches " + explicit.orElse("owner " + settings.imageOwner()
                                + " and the configured name filter") + " for " + architecture));
        ImageChoice choice = new ImageChoice(newest.imageId(), newest.rootDeviceName() == null
                || newest.rootDeviceName().isEmpty() ? "/dev/sda1" : newest.rootDeviceName());
        images.put(key, choice);
        return choice;
    }

    Optional<String> explicitAmi(String region) {
        for (String e : settings.amis().orElse(List.of())) {
            int eq = e.indexOf('=');
            if (eq > 0 && e.substring(0, eq).trim().equals(region)) {
                return Optional.of(e.substring(eq + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static Filter filter(String name, String... values) {
        return Filter.builder().name(name).values(values).build();
    }

    /** The region's managed security group, found or created, with exactly the configured ingress rules added. */
    /**
     * The key pair to launch with: the configured one, else the service's public key imported once per region
     * (found by its name, which carries a digest of the key material, or imported with the managed-by tag; a
     * concurrent import by another replica is taken as found). Empty when no key is configured or available.
     */
    synchronized Optional<String> keyName(Ec2Client ec2, String region) {
        if (settings.keyName().isPresent()) {
            return settings.keyName();
        }
        Optional<String> pub = network.sshPublicKey().map(String::strip).filter(s -> !s.isEmpty());
        if (pub.isEmpty() || !settings.registerSshKey()) {
            return Optional.empty();
        }
        String key = region + "/" + pub.get();
        String name = keyPairs.get(key);
        if (name == null) {
            name = importedKeyPair(ec2, pub.get());
            keyPairs.put(key, name);
        }
        return Optional.of(name);
    }

    /** Name of the imported key pair for this public key: prefix-first 8 hex digits of SHA-256(key type + blob). */
    String keyPairName(String publicKey) {
        String[] parts = publicKey.strip().split("\\s+");
        String material = parts.length >= 2 ? parts[0] + " " + parts[1] : publicKey.strip();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(material.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return settings.sshKeyName() + "-" + java.util.HexFormat.of().formatHex(h, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String importedKeyPair(Ec2Client ec2, String publicKey) {
        String name = keyPairName(publicKey);
        boolean exists = !call("DescribeKeyPairs", false, () -> ec2.describeKeyPairs(b -> b.filters(
                filter("key-name", name))).keyPairs()).isEmpty();
        if (exists) {
            return name;
        }
        try {
            call("ImportKeyPair", false, () -> ec2.importKeyPair(b -> b.keyName(name)
                    .publicKeyMaterial(software.amazon.awssdk.core.SdkBytes.fromString(publicKey,
                            java.nio.charset.StandardCharsets.US_ASCII))
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.KEY_PAIR)
                            .tags(Tag.builder().key(ManagedLabels.MANAGED_BY).value(ManagedLabels.MANAGED_BY_VALUE)
                                    .build())
                            .build())));
            LOG.infof("EC2 ImportKeyPair %s", name);
        } catch (ProviderException e) {
            if (!"InvalidKeyPair.Duplicate".equals(e.providerCode())) {
                throw e;
            }
        }
        return name;
    }

    private synchronized String securityGroup(Ec2Client ec2, String region) {
        String cached = securityGroups.get(region);
        if (cached != null) {
            return cached;
        }
        Optional<SecurityGroup> existing = findGroup(ec2);
        String groupId;
        Set<String> present = new HashSet<>();
        if (existing.isPresent()) {
            groupId = existing.get().groupId();
            for (IpPermission p : existing.get().ipPermissions()) {
                for (IpRange r : p.ipRanges()) {
                    present.add(p.ipProtocol() + "/" + p.fromPort() + "/" + p.toPort() + "/" + r.cidrIp());
                }
            }
        } else {
            List<Tag> tags = List.of(Tag.builder().key(ManagedLabels.MANAGED_BY).value(ManagedLabels.MANAGED_BY_VALUE)
                    .build(), Tag.builder().key("Name").value(settings.securityGroupName()).build());
            try {
                groupId = call("CreateSecurityGroup", false, () -> ec2.createSecurityGroup(b -> {
                    b.groupName(settings.securityGroupName())
                            .description("cloud-provisioner: inbound " + network.ingressPorts())
                            .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                                    .tags(tags).build());
                    settings.vpcId().ifPresent(b::vpcId);
                }).groupId());
            } catch (ProviderException e) {
                if (!"InvalidGroup.Duplicate".equals(e.providerCode())) {
                    throw e;
                }
                groupId = findGroup(ec2).orElseThrow(() -> e).groupId();
            }
        }
        List<IpPermission> missing = new ArrayList<>();
        for (Integer port : network.ingressPorts()) {
            List<IpRange> ranges = network.ingressCidrs().stream()
                    .filter(c -> !present.contains("tcp/" + port + "/" + port + "/" + c))
                    .map(c -> IpRange.builder().cidrIp(c).description("cloud-provisioner").build()).toList();
            if (!ranges.isEmpty()) {
                missing.add(IpPermission.builder().ipProtocol("tcp").fromPort(port).toPort(port).ipRanges(ranges)
                        .build());
            }
        }
        if (!missing.isEmpty()) {
            String id = groupId;
            try {
                call("AuthorizeSecurityGroupIngress", false,
                        () -> ec2.authorizeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(missing)));
            } catch (ProviderException e) {
                if (!"InvalidPermission.Duplicate".equals(e.providerCode())) {
                    throw e;
                }
            }
        }
        securityGroups.put(region, groupId);
        return groupId;
    }

    private Optional<SecurityGroup> findGroup(Ec2Client ec2) {
        List<Filter> filters = new ArrayList<>(List.of(filter("group-name", settings.securityGroupName()),
                filter("tag:" + ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)));
        settings.vpcId().ifPresent(v -> filters.add(filter("vpc-id", v)));
        return call("DescribeSecurityGroups", false,
                () -> ec2.describeSecurityGroups(b -> b.filters(filters)).securityGroups()).stream().findFirst();
    }

    /**
     * TerminateInstances in the instance's region. EC2 answers InvalidInstanceID.NotFound for an id it does not know
     * there (NOT_FOUND, never reported as terminated); otherwise its answer's current state (shutting-down or
     * terminated when EC2 accepted it).
     */
    @Override
    protected Instance terminateOnce(String region, String instanceId) {
        Ec2Client ec2 = clients.ec2(region);
        List<InstanceStateChange> changes = call("TerminateInstances", false,
                () -> ec2.terminateInstances(b -> b.instanceIds(instanceId)).terminatingInstances());
        String state = changes.stream().filter(ch -> instanceId.equals(ch.instanceId())).findFirst()
                .map(ch -> AwsConverter.stateName(ch.currentState())).orElse("");
        return new Instance(instanceId, Provider.AWS, "", region, "", "", "", AwsConverter.status(state), state,
                Map.of(), null, false, "");
    }

    @Override
    protected Instance describeOnce(String region, String instanceId) {
        Ec2Client ec2 = clients.ec2(region);
        DescribeInstancesResponse r = call("DescribeInstances", false,
                () -> ec2.describeInstances(b -> b.instanceIds(instanceId)));
        return r.reservations().stream().flatMap(res -> res.instances().stream())
                .filter(i -> instanceId.equals(i.instanceId())).findFirst()
                .map(i -> AwsConverter.toInstance(i, region))
                .orElseThrow(() -> new ProviderException(Provider.AWS, ErrorClass.NOT_FOUND, ErrorScope.REQUEST,
                        "InvalidInstanceID.NotFound", "EC2 instance " + instanceId + " does not exist in " + region));
    }

    @Override
    protected List<Instance> listManagedOnce(String region) {
        List<String> regions = region == null || region.isEmpty() ? settings.regions().orElse(List.of())
                : List.of(region);
        List<Instance> out = new ArrayList<>();
        for (String r : regions) {
            Ec2Client ec2 = clients.ec2(r);
            DescribeInstancesRequest q = DescribeInstancesRequest.builder().filters(
                    filter("tag:" + ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE),
                    filter("instance-state-name", LIVE_STATES.toArray(String[]::new))).build();
            answers.pages("instances in " + r, software.amazon.awssdk.services.ec2.model.Instance::instanceId,
                    token -> {
                        DescribeInstancesResponse page = call("DescribeInstances", false,
                                () -> ec2.describeInstances(q.toBuilder().nextToken(token).build()));
                        List<software.amazon.awssdk.services.ec2.model.Instance> items = new ArrayList<>();
                        page.reservations().forEach(res -> items.addAll(res.instances()));
                        return new Page<>(items, page.nextToken());
                    }).forEach(i -> out.add(AwsConverter.toInstance(i, r)));
        }
        return out;
    }

    /** {@code listManaged("")} lists cloudprovisioner.aws.regions only: EC2 has no account-wide listing. */
    @Override
    public boolean listsEveryRegion() {
        return false;
    }

    @Override
    protected List<DiscoveredType> discoverTypesOnce(String region) {
        Ec2Client ec2 = clients.ec2(region);
        List<DiscoveredType> out = new ArrayList<>();
        answers.pages("instance types in " + region, InstanceTypeInfo::instanceTypeAsString, token -> {
            DescribeInstanceTypesResponse page = call("DescribeInstanceTypes", false,
                    () -> ec2.describeInstanceTypes(b -> b.maxResults(100).nextToken(token)));
            return new Page<>(page.instanceTypes(), page.nextToken());
        }).forEach(t -> {
                double vcpus = t.vCpuInfo() == null || t.vCpuInfo().defaultVCpus() == null ? 0
                        : t.vCpuInfo().defaultVCpus();
                double mem = t.memoryInfo() == null || t.memoryInfo().sizeInMiB() == null ? 0
                        : t.memoryInfo().sizeInMiB() / 1024.0;
                int gpus = t.gpuInfo() == null ? 0 : t.gpuInfo().gpus().stream()
                        .mapToInt(g -> g.count() == null ? 0 : g.count()).sum();
                out.add(new DiscoveredType(t.instanceTypeAsString(), vcpus, mem, gpus, Double.NaN));
        });
        return out;
    }

    private static <T> T call(String operation, boolean zoneSet, Supplier<T> work) {
        try {
            return work.get();
        } catch (ProviderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AwsErrors.classify(e, operation, zoneSet);
        }
    }
}

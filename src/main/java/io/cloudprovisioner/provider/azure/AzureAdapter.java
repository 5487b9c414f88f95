package io.cloudprovisioner.provider.azure;

import com.azure.core.http.rest.PagedIterable;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInstanceViewInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineSizeInner;
import com.azure.resourcemanager.compute.models.BillingProfile;
import com.azure.resourcemanager.compute.models.DiskCreateOptionTypes;
import com.azure.resourcemanager.compute.models.DiskDeleteOptionTypes;
import com.azure.resourcemanager.compute.models.HardwareProfile;
import com.azure.resourcemanager.compute.models.ImageReference;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.LinuxConfiguration;
import com.azure.resourcemanager.compute.models.ManagedDiskParameters;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import com.azure.resourcemanager.compute.models.NetworkProfile;
import com.azure.resourcemanager.compute.models.OSDisk;
import com.azure.resourcemanager.compute.models.OSProfile;
import com.azure.resourcemanager.compute.models.SecurityEncryptionTypes;
import com.azure.resourcemanager.compute.models.SecurityProfile;
import com.azure.resourcemanager.compute.models.SecurityTypes;
import com.azure.resourcemanager.compute.models.SshConfiguration;
import com.azure.resourcemanager.compute.models.SshPublicKey;
import com.azure.resourcemanager.compute.models.StorageAccountTypes;
import com.azure.resourcemanager.compute.models.StorageProfile;
import com.azure.resourcemanager.compute.models.UefiSettings;
import com.azure.resourcemanager.compute.models.VMDiskSecurityProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineEvictionPolicyTypes;
import com.azure.resourcemanager.compute.models.VirtualMachinePriorityTypes;
import com.azure.resourcemanager.compute.models.VirtualMachineSizeTypes;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceInner;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.NetworkSecurityGroupInner;
import com.azure.resourcemanager.network.fluent.models.PublicIpAddressInner;
import com.azure.resourcemanager.network.fluent.models.SecurityRuleInner;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.fluent.models.VirtualNetworkInner;
import com.azure.resourcemanager.network.models.AddressSpace;
import com.azure.resourcemanager.network.models.IpAllocationMethod;
import com.azure.resourcemanager.network.models.IpVersion;
import com.azure.resourcemanager.network.models.PublicIpAddressSku;
import com.azure.resourcemanager.network.models.PublicIpAddressSkuName;
import com.azure.resourcemanager.network.models.SecurityRuleAccess;
import com.azure.resourcemanager.network.models.SecurityRuleDirection;
import com.azure.resourcemanager.network.models.SecurityRuleProtocol;
import com.azure.resourcemanager.resources.fluent.models.ResourceGroupInner;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.InstanceStatus;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ManagedLabels;
import io.cloudprovisioner.provider.NetworkSettings;
import io.cloudprovisioner.provider.GuardedAdapter;
import io.cloudprovisioner.provider.ProviderAdapter.DiscoveredType;
import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.UntrustedAnswerException;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.provider.ProvisionRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Azure Virtual Machines through the official azure-resourcemanager inner clients (exact control of every PUT
 * body). Per location: one resource group {@code <prefix>-<location>}, one virtual network with one subnet and one
 * network security group (looked up first, created once). Per instance: a public IP, a NIC and the VM, all named
 * from the client request id ({@code cp-<id>-vm}, {@code -nic}, {@code -pip}, {@code -osdisk}) so that a retried
 * create is the same PUT (Azure's idempotency is deterministic names). Long-running operations go through the
 * SDK's pollers (Azure-AsyncOperation / Location), bounded by the settings' timeouts.
 */
@Singleton
public class AzureAdapter extends GuardedAdapter {
    private static final Logger LOG = Logger.getLogger(AzureAdapter.class);
    static final String VNET = "cloudprovisioner-vnet";
    static final String SUBNET = "default";
    static final String NSG = "cloudprovisioner-nsg";
    static final String IP_CONFIG = "ipconfig1";
    private static final Pattern CLEAN_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Pattern OUR_VM = Pattern.compile("cp-[a-z0-9-]{1,60}-vm");

    private final AzureClients clients;
    private final AzureSettings settings;
    private final NetworkSettings network;
    private final ConfigLookup config;

    @Inject
    public AzureAdapter(AzureClients clients, AzureSettings settings, NetworkSettings network, Config config,
            ProviderGuards guards) {
        super(guards.of(Provider.AZURE, settings.faultTolerance()),
                new ProviderAnswers(Provider.AZURE, settings.providerAnswers()));
        this.clients = clients;
        this.settings = settings;
        this.network = network;
        this.config = ConfigLookup.of(config);
        guard.expectLongerThan(Call.PROVISION, settings.provisionTimeout(), "the wait for a running VM");
        guard.expectLongerThan(Call.TERMINATE, settings.terminateTimeout(), "the wait for the deletes");
    }

    @Override
    public Provider provider() {
        return Provider.AZURE;
    }

    // ---- names ------------------------------------------------------------------------------------------------

    /** "cp-<id>" when the id is already a valid lower-case name, else a readable prefix plus a hash of the id. */
    static String baseName(String clientRequestId) {
        if (CLEAN_ID.matcher(clientRequestId).matches()) {
            return "cp-" + clientRequestId;
        }
        String s = clientRequestId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        s = s.substring(0, Math.min(s.length(), 24));
        return "cp-" + s + "-" + sha256(clientRequestId).substring(0, 12);
    }

    static String vmName(String base) {
        return base + "-vm";
    }

    static String baseOfVm(String vmName) {
        return vmName.endsWith("-vm") ? vmName.substring(0, vmName.length() - 3) : vmName;
    }

    String resourceGroup(String location) {
        return settings.resourceGroupPrefix() + "-" + location.toLowerCase(Locale.ROOT);
    }

    static String id(String subscription, String rg, String provider, String type, String name) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + rg + "/providers/" + provider + "/" + type
                + "/" + name;
    }

    static String nameOf(String resourceId) {
        return resourceId == null ? "" : resourceId.substring(resourceId.lastIndexOf('/') + 1);
    }

    // ---- provision --------------------------------------------------------------------------------------------

    @Override
    protected Instance provisionOnce(ProvisionRequest r) {
        return guarded(() -> doProvision(r));
    }

    private Instance doProvision(ProvisionRequest r) {
        String key = network.sshPublicKey().orElseThrow(() -> ProviderException.refused(Provider.AZURE,
                ErrorClass.INVALID_REQUEST, ErrorScope.PROVIDER, "SshKeyMissing",
                "cloudprovisioner.network.ssh-public-key is required: Azure VMs are created with SSH key "
                        + "authentication only (password authentication disabled)"));
        Deadline deadline = new Deadline(settings.provisionTimeout());
        AzureClients.Clients c = clients.get();
        String location = r.region();
        String rg = resourceGroup(location);
        String base = baseName(r.clientRequestId());
        String vmName = vmName(base);
        Map<String, String> tags = ManagedLabels.forRequest(r.clientRequestId(), r.labels());

        Optional<VirtualMachineInner> existing = getVm(c, rg, vmName);
        if (existing.isPresent() && !ManagedLabels.isOfRequest(existing.get().tags(), r.clientRequestId())) {
            LOG.warnf("azure: %s in %s has the name of request %s but not its tags; not adopted", vmName, rg,
                    r.clientRequestId());
            throw new ProviderException(Provider.AZURE, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST, "NameTaken",
                    vmName + " in " + rg + " exists but does not carry the tags " + ManagedLabels.MANAGED_BY + "="
                            + ManagedLabels.MANAGED_BY_VALUE + " and " + ManagedLabels.REQUEST_ID + "="
                            + r.clientRequestId().toLowerCase(Locale.ROOT) + "; it is not this request's and is not "
                            + "adopted (use another client_request_id)");
        }
        if (existing.isPresent() && !"Failed".equalsIgnoreCase(existing.get().provisioningState())) {
            // The same request id was already provisioned (or is in progress): return it, never create twice.
            LOG.infof("azure: %s exists for request %s, not creating again", vmName, r.clientRequestId());
            return waitRunning(c, rg, vmName, location, deadline);
        }
        // Absent, or left Failed by an earlier attempt (e.g. AllocationFailed): the same PUTs again (same names),
        // which is how ARM retries a failed VM in place.
        c.resources().getResourceGroups().createOrUpdate(rg, new ResourceGroupInner().withLocation(location)
                .withTags(Map.of(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)));
        String subnetId = ensureNetwork(c, rg, location, deadline);
        String nsgId = ensureSecurityGroup(c, rg, location, deadline);
        String zone = azureZone(r.zone());

        PublicIpAddressInner pip = new PublicIpAddressInner().withLocation(location).withTags(tags)
                .withSku(new PublicIpAddressSku().withName(PublicIpAddressSkuName.STANDARD))
                .withPublicIpAllocationMethod(IpAllocationMethod.STATIC)
                .withPublicIpAddressVersion(IpVersion.IPV4);
        if (!zone.isEmpty()) {
            pip.withZones(List.of(zone));
        }
        PublicIpAddressInner pipDone = await(c.network().getPublicIpAddresses().beginCreateOrUpdate(rg,
                base + "-pip", pip), deadline);

        NetworkInterfaceInner nic = new NetworkInterfaceInner().withLocation(location).withTags(tags)
                .withNetworkSecurityGroup(new NetworkSecurityGroupInner().withId(nsgId))
                .withIpConfigurations(List.of(new NetworkInterfaceIpConfigurationInner().withName(IP_CONFIG)
                        .withPrimary(true).withPrivateIpAllocationMethod(IpAllocationMethod.DYNAMIC)
                        .withSubnet(new SubnetInner().withId(subnetId))
                        .withPublicIpAddress(new PublicIpAddressInner().withId(pipDone.id()))));
        NetworkInterfaceInner nicDone = await(c.network().getNetworkInterfaces().beginCreateOrUpdate(rg,
                base + "-nic", nic), deadline);

        VirtualMachineInner vm = vmBody(r, location, zone, tags, base, nicDone.id(), key);
        await(c.compute().getVirtualMachines().beginCreateOrUpdate(rg, vmName, vm), deadline);
        return waitRunning(c, rg, vmName, location, deadline);
    }

    VirtualMachineInner vmBody(ProvisionRequest r, String location, String zone, Map<String, String> tags,
            String base, String nicId, String sshKey) {
        String user = network.sshUser();
        ManagedDiskParameters disk = new ManagedDiskParameters()
                .withStorageAccountType(StorageAccountTypes.fromString(settings.osDiskType()));
        ImageReference image = new ImageReference().withPublisher(settings.imagePublisher())
                .withOffer(r.requireTee() ? settings.teeImageOffer() : settings.imageOffer())
                .withSku(r.requireTee() ? settings.teeImageSku() : settings.imageSku())
                .withVersion(settings.imageVersion());
        VirtualMachineInner vm = new VirtualMachineInner().withLocation(location).withTags(tags)
                .withHardwareProfile(new HardwareProfile().withVmSize(VirtualMachineSizeTypes.fromString(
                        r.instanceType())))
                .withStorageProfile(new StorageProfile().withImageReference(image)
                        .withOsDisk(new OSDisk().withName(base + "-osdisk")
                                .withCreateOption(DiskCreateOptionTypes.FROM_IMAGE).withDiskSizeGB(r.storageGb())
                                .withDeleteOption(DiskDeleteOptionTypes.DELETE).withManagedDisk(disk)))
                .withOsProfile(new OSProfile().withComputerName(vmName(base)).withAdminUsername(user)
                        .withLinuxConfiguration(new LinuxConfiguration().withDisablePasswordAuthentication(true)
                                .withSsh(new SshConfiguration().withPublicKeys(List.of(new SshPublicKey()
                                        .withPath("/home/" + user + "/.ssh/authorized_keys")
                                        .withKeyData(sshKey))))))
                .withNetworkProfile(new NetworkProfile().withNetworkInterfaces(List.of(
                        new NetworkInterfaceReference().withId(nicId).withPrimary(true))));
        if (!zone.isEmpty()) {
            vm.withZones(List.of(zone));
        }
        if (r.requireTee()) {
            vm.withSecurityProfile(new SecurityProfile().withSecurityType(SecurityTypes.CONFIDENTIAL_VM)
                    .withUefiSettings(new UefiSettings().withSecureBootEnabled(true).withVTpmEnabled(true)));
            disk.withSecurityProfile(new VMDiskSecurityProfile().withSecurityEncryptionType(
                    SecurityEncryptionTypes.fromString(settings.teeDiskEncryptionType())));
        }
        if (r.spot()) {
            vm.withPriority(VirtualMachinePriorityTypes.SPOT)
                    .withEvictionPolicy(VirtualMachineEvictionPolicyTypes.fromString(settings.spotEvictionPolicy()))
                    .withBillingProfile(new BillingProfile().withMaxPrice(-1.0));
        }
        return vm;
    }

    /** Azure zones are "1", "2", "3"; accepts "eastus-2" style names too. Empty = regional. */
    static String azureZone(String zone) {
        if (zone == null || zone.isEmpty()) {
            return "";
        }
        int dash = zone.lastIndexOf('-');
        return dash >= 0 ? zone.substring(dash + 1) : zone;
    }

    private String ensureNetwork(AzureClients.Clients c, String rg, String location, Deadline deadline) {
        String subnetId = id(c.subscription(), rg, "Microsoft.Network", "virtualNetworks", VNET) + "/subnets/"
                + SUBNET;
        Optional<VirtualNetworkInner> vnet = notFoundAsEmpty(() -> c.network().getVirtualNetworks()
                .getByResourceGroup(rg, VNET));
        if (vnet.isPresent()) {
            return subnetId;
        }
        VirtualNetworkInner body = new VirtualNetworkInner().withLocation(location)
                .withTags(Map.of(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE))
                .withAddressSpace(new AddressSpace().withAddressPrefixes(List.of(settings.vnetAddressSpace())))
                .withSubnets(List.of(new SubnetInner().withName(SUBNET).withAddressPrefix(settings.subnetPrefix())));
        await(c.network().getVirtualNetworks().beginCreateOrUpdate(rg, VNET, body), deadline);
        return subnetId;
    }

    /** The rules the NSG must hold: one inbound TCP allow rule per port, from the configured CIDRs. */
    List<SecurityRuleInner> wantedRules() {
        List<SecurityRuleInner> rules = new ArrayList<>();
        List<String> cidrs = network.ingressCidrs();
        int priority = 1000;
        for (int port : network.ingressPorts()) {
            SecurityRuleInner rule = new SecurityRuleInner().withName("allow-tcp-" + port)
                    .withProtocol(SecurityRuleProtocol.TCP).withAccess(SecurityRuleAccess.ALLOW)
                    .withDirection(SecurityRuleDirection.INBOUND).withPriority(priority)
                    .withSourcePortRange("*").withDestinationAddressPrefix("*")
                    .withDestinationPortRange(Integer.toString(port));
            if (cidrs.size() == 1) {
                rule.withSourceAddressPrefix(cidrs.get(0));
            } else {
                rule.withSourceAddressPrefixes(List.copyOf(cidrs));
            }
            rules.add(rule);
            priority += 10;
        }
        return rules;
    }

    private static String ruleKey(SecurityRuleInner r) {
        List<String> src = r.sourceAddressPrefixes() != null && !r.sourceAddressPrefixes().isEmpty()
                ? r.sourceAddressPrefixes() : List.of(String.valueOf(r.sourceAddressPrefix()));
        return r.name() + "|" + r.destinationPortRange() + "|" + String.join(",", src) + "|" + r.priority();
    }

    private String ensureSecurityGroup(AzureClients.Clients c, String rg, String location, Deadline deadline) {
        String nsgId = id(c.subscription(), rg, "Microsoft.Network", "networkSecurityGroups", NSG);
        List<SecurityRuleInner> wanted = wantedRules();
        Optional<NetworkSecurityGroupInner> have = notFoundAsEmpty(() -> c.network().getNetworkSecurityGroups()
                .getByResourceGroup(rg, NSG));
        if (have.isPresent()) {
            List<String> haveKeys = have.get().securityRules() == null ? List.of()
                    : have.get().securityRules().stream().map(AzureAdapter::ruleKey).sorted().toList();
            List<String> wantKeys = wanted.stream().map(AzureAdapter::ruleKey).sorted().toList();
            if (haveKeys.equals(wantKeys)) {
                return nsgId;
            }
        }
        NetworkSecurityGroupInner body = new NetworkSecurityGroupInner().withLocation(location)
                .withTags(Map.of(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE))
                .withSecurityRules(wanted);
        await(c.network().getNetworkSecurityGroups().beginCreateOrUpdate(rg, NSG, body), deadline);
        return nsgId;
    }

    /** Polls the instance view (bounded in time and count) until PowerState/running, then describes. */
    private Instance waitRunning(AzureClients.Clients c, String rg, String vmName, String location,
            Deadline deadline) {
        long maxPolls = Math.max(1, settings.provisionTimeout().toMillis()
                / Math.max(1, settings.pollInterval().toMillis()) + 1);
        for (long i = 0; i < maxPolls; i++) {
            VirtualMachineInstanceViewInner view = c.compute().getVirtualMachines().instanceView(rg, vmName);
            AzureConverter.State st = AzureConverter.state(view.statuses(), null);
            if (st.status() == InstanceStatus.RUNNING) {
                break;
            }
            if (st.providerStatus().toLowerCase(Locale.ROOT).startsWith("provisioningstate/failed")) {
                // "ProvisioningState/failed/<ARM code>": classify the code like any other ARM error.
                String[] parts = st.providerStatus().split("/", 3);
                throw AzureErrors.of(0, parts.length > 2 ? parts[2] : "ProvisioningFailed",
                        vmName + " provisioning failed", null, secret());
            }
            if (deadline.expired()) {
                throw new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REGION,
                        "ProvisionTimeout", vmName + " did not reach PowerState/running within "
                                + settings.provisionTimeout() + " (last: " + st.providerStatus() + ")");
            }
            sleep(settings.pollInterval());
        }
        return describeIn(c, rg, vmName, location);
    }

    // ---- describe / list ----------------------------------------------------------------------------------------

    @Override
    protected Instance describeOnce(String region, String instanceId) {
        return guarded(() -> describeIn(clients.get(), resourceGroup(region), instanceId, region));
    }

    private Instance describeIn(AzureClients.Clients c, String rg, String vmName, String location) {
        Response<VirtualMachineInner> resp = c.compute().getVirtualMachines().getByResourceGroupWithResponse(rg,
                vmName, InstanceViewTypes.INSTANCE_VIEW, Context.NONE);
        String foreign = vmProblem(c, resp.getValue(), rg);
        if (foreign != null) {
            throw new UntrustedAnswerException(Provider.AZURE, "ForeignResourceId", "the answer to GET " + vmName
                    + " in " + rg + " is refused: " + foreign);
        }
        return withAddresses(c, resp.getValue(), location);
    }

    private Instance withAddresses(AzureClients.Clients c, VirtualMachineInner vm, String location) {
        String publicIp = "";
        String privateIp = "";
        try {
            if (vm.networkProfile() != null && vm.networkProfile().networkInterfaces() != null
                    && !vm.networkProfile().networkInterfaces().isEmpty()) {
                String nicId = vm.networkProfile().networkInterfaces().get(0).id();
                if (!ours(c, nicId, resourceGroupOf(vm.id()), "networkInterfaces", vm.name())) {
                    return AzureConverter.toInstance(vm, location, publicIp, privateIp);
                }
                NetworkInterfaceInner nic = c.network().getNetworkInterfaces().getByResourceGroup(
                        resourceGroupOf(nicId), nameOf(nicId));
                if (nic.ipConfigurations() != null && !nic.ipConfigurations().isEmpty()) {
                    NetworkInterfaceIpConfigurationInner ipc = nic.ipConfigurations().get(0);
                    privateIp = ipc.privateIpAddress() == null ? "" : ipc.privateIpAddress();
                    if (ipc.publicIpAddress() != null && ipc.publicIpAddress().id() != null) {
                        String pipId = ipc.publicIpAddress().id();
                        if (!ours(c, pipId, resourceGroupOf(vm.id()), "publicIPAddresses", vm.name())) {
                            return AzureConverter.toInstance(vm, location, publicIp, privateIp);
                        }
                        PublicIpAddressInner pip = c.network().getPublicIpAddresses().getByResourceGroup(
                                resourceGroupOf(pipId), nameOf(pipId));
                        publicIp = pip.ipAddress() == null ? "" : pip.ipAddress();
                    }
                }
            }
        } catch (RuntimeException e) {
            ProviderException pe = AzureErrors.classify(e, secret());
            if (pe.errorClass() != ErrorClass.NOT_FOUND) {
                throw pe;
            }
            // The NIC or address is gone (VM being deleted): report the VM without addresses.
        }
        return AzureConverter.toInstance(vm, location, publicIp, privateIp);
    }

    static String resourceGroupOf(String resourceId) {
        String[] parts = resourceId.split("/");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equalsIgnoreCase("resourceGroups")) {
                return parts[i + 1];
            }
        }
        return "";
    }

    @Override
    protected List<Instance> listManagedOnce(String region) {
        return guarded(() -> {
            AzureClients.Clients c = clients.get();
            List<Instance> out = new ArrayList<>();
            List<VirtualMachineInner> vms = pages("virtual machines", VirtualMachineInner::id,
                    c.compute().getVirtualMachines().list("true", null, null, Context.NONE), false);
            for (VirtualMachineInner vm : answers.keep("virtual machines", vms, VirtualMachineInner::id,
                    vm -> vm.location() == null ? "no location" : vmProblem(c, vm, resourceGroup(vm.location())))) {
                if (vm.tags() == null || !ManagedLabels.isManaged(vm.tags())) {
                    continue;
                }
                if (!region.isEmpty() && !region.equalsIgnoreCase(vm.location())) {
                    continue;
                }
                out.add(withAddresses(c, vm, vm.location()));
            }
            return out;
        });
    }

    @Override
    protected List<DiscoveredType> discoverTypesOnce(String region) {
        return guarded(() -> {
            List<DiscoveredType> out = new ArrayList<>();
            for (VirtualMachineSizeInner s : pages("VM sizes in " + region, VirtualMachineSizeInner::name,
                    clients.get().compute().getVirtualMachineSizes().list(region), true)) {
                out.add(new DiscoveredType(s.name(), s.numberOfCores() == null ? 0 : s.numberOfCores(),
                        s.memoryInMB() == null ? 0 : s.memoryInMB() / 1024.0, 0, Double.NaN));
            }
            return out;
        });
    }

    // ---- terminate ----------------------------------------------------------------------------------------------

    /**
     * Deletes the VM (a managed one only), then its NIC, public IP, OS disk and, when asked, the unused security
     * group, each waited on through the SDK's poller. NOT_FOUND when the VM is not in the location's resource group
     * (leftovers of one of ours are cleaned up first); TERMINATED once ARM finished the delete.
     */
    @Override
    protected Instance terminateOnce(String region, String instanceId) {
        return guarded(() -> doTerminate(region, instanceId));
    }

    private Instance doTerminate(String region, String vmName) {
        Deadline deadline = new Deadline(settings.terminateTimeout());
        AzureClients.Clients c = clients.get();
        String rg = resourceGroup(region);
        Optional<VirtualMachineInner> vm = getVm(c, rg, vmName);
        List<String> nicNames = new ArrayList<>();
        List<String> pipNames = new ArrayList<>();
        String diskName;
        Instance last;
        if (vm.isPresent()) {
            if (vm.get().tags() == null || !ManagedLabels.isManaged(vm.get().tags())) {
                throw new ProviderException(Provider.AZURE, ErrorClass.INVALID_REQUEST, ErrorScope.REQUEST,
                        "NotManaged", vmName + " is not managed by cloud-provisioner (no managed-by tag)");
            }
            last = withAddresses(c, vm.get(), region);
            if (vm.get().networkProfile() != null && vm.get().networkProfile().networkInterfaces() != null) {
                for (NetworkInterfaceReference ref : vm.get().networkProfile().networkInterfaces()) {
                    if (!ours(c, ref.id(), rg, "networkInterfaces", vmName)) {
                        continue;
                    }
                    String nicName = nameOf(ref.id());
                    nicNames.add(nicName);
                    notFoundAsEmpty(() -> c.network().getNetworkInterfaces().getByResourceGroup(rg, nicName))
                            .map(NetworkInterfaceInner::ipConfigurations).orElse(List.of()).forEach(ipc -> {
                                if (ipc.publicIpAddress() != null && ipc.publicIpAddress().id() != null
                                        && ours(c, ipc.publicIpAddress().id(), rg, "publicIPAddresses", vmName)) {
                                    pipNames.add(nameOf(ipc.publicIpAddress().id()));
                                }
                            });
                }
            }
            diskName = vm.get().storageProfile() != null && vm.get().storageProfile().osDisk() != null
                    ? vm.get().storageProfile().osDisk().name() : baseOfVm(vmName) + "-osdisk";
            await(c.compute().getVirtualMachines().beginDelete(rg, vmName), deadline);
        } else if (OUR_VM.matcher(vmName).matches()) {
            // Already gone: finish a terminate that may have stopped half way (deletes of absent resources are
            // no-ops in ARM), then say the VM is not there.
            String base = baseOfVm(vmName);
            nicNames.add(base + "-nic");
            pipNames.add(base + "-pip");
            diskName = base + "-osdisk";
            last = null;
        } else {
            throw notFound(vmName, region);
        }
        String base = baseOfVm(vmName);
        if (!nicNames.contains(base + "-nic")) {
            nicNames.add(base + "-nic");
        }
        if (!pipNames.contains(base + "-pip")) {
            pipNames.add(base + "-pip");
        }
        for (String nic : nicNames) {
            deleteQuietly(() -> await(c.network().getNetworkInterfaces().beginDelete(rg, nic), deadline));
        }
        for (String pip : pipNames) {
            deleteQuietly(() -> await(c.network().getPublicIpAddresses().beginDelete(rg, pip), deadline));
        }
        deleteQuietly(() -> await(c.compute().getDisks().beginDelete(rg, diskName), deadline));
        if (settings.deleteUnusedSecurityGroup()) {
            notFoundAsEmpty(() -> c.network().getNetworkSecurityGroups().getByResourceGroup(rg, NSG))
                    .filter(nsg -> nsg.tags() != null && ManagedLabels.isManaged(nsg.tags()))
                    .filter(nsg -> nsg.networkInterfaces() == null || nsg.networkInterfaces().isEmpty())
                    .ifPresent(nsg -> deleteQuietly(() -> await(c.network().getNetworkSecurityGroups()
                            .beginDelete(rg, NSG), deadline)));
        }
        if (last == null) {
            throw notFound(vmName, region);
        }
        return AzureConverter.terminated(last);
    }

    private static ProviderException notFound(String vmName, String location) {
        return new ProviderException(Provider.AZURE, ErrorClass.NOT_FOUND, ErrorScope.REQUEST, "ResourceNotFound",
                "virtual machine " + vmName + " not found in " + location);
    }

    private void deleteQuietly(Runnable delete) {
        try {
            delete.run();
        } catch (RuntimeException e) {
            ProviderException pe = AzureErrors.classify(e, secret());
            if (pe.errorClass() != ErrorClass.NOT_FOUND) {
                throw pe;
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /**
     * Reads a pageable listing page by page through {@link ProviderAnswers#pages} (page cap, a nextLink seen before
     * ends it). A next page that fails NOT_FOUND or INVALID_REQUEST (a broken or expired nextLink) is never the
     * call's answer: with {@code partialOk} the listing ends with what it has and a WARN (machine types: a partial
     * list only offers less); without, it fails TRANSIENT, as a listing whose missing entries would be read as gone
     * instances (reconcile, recovery, ListInstances) must not be partial. Other failures keep their class.
     */
    private <T> List<T> pages(String what, Function<T, String> idOf, PagedIterable<T> pageable, boolean partialOk) {
        return answers.pages(what, idOf, link -> {
            PagedResponse<T> page;
            try {
                page = (link == null ? pageable.iterableByPage() : pageable.iterableByPage(link)).iterator().next();
            } catch (RuntimeException e) {
                ProviderException pe = AzureErrors.classify(e, secret());
                if (link == null || (pe.errorClass() != ErrorClass.NOT_FOUND
                        && pe.errorClass() != ErrorClass.INVALID_REQUEST)) {
                    throw pe;
                }
                if (!partialOk) {
                    throw new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.PROVIDER,
                            "NextLinkFailed", "listing " + what + " failed: its nextLink answered "
                                    + pe.providerCode() + " (" + pe.errorClass() + "); a partial listing is not used");
                }
                LOG.warnf("Azure: listing %s ended early: its nextLink answered %s (%s); keeping the entries read",
                        what, pe.providerCode(), pe.errorClass());
                return new ProviderAnswers.Page<>(List.of(), null);
            }
            return new ProviderAnswers.Page<>(page.getValue(), page.getContinuationToken());
        });
    }

    /** What makes a VM from an answer not one in the configured subscription and {@code rg}, or null. */
    private static String vmProblem(AzureClients.Clients c, VirtualMachineInner vm, String rg) {
        String why = AzureResourceId.problem(vm.id(), c.subscription(), rg, "Microsoft.Compute", "virtualMachines");
        if (why == null && !nameOf(vm.id()).equalsIgnoreCase(String.valueOf(vm.name()))) {
            why = "resource id names " + nameOf(vm.id()) + " but the VM is called " + vm.name();
        }
        return why;
    }

    /**
     * Whether a network resource id an answer names is in the configured subscription and {@code rg}; a foreign one
     * is not followed (nor deleted), with a WARN.
     */
    private boolean ours(AzureClients.Clients c, String id, String rg, String type, String vmName) {
        String why = AzureResourceId.problem(id, c.subscription(), rg, "Microsoft.Network", type);
        if (why != null) {
            answers.drop(type + " of " + vmName, id, why + " (not followed)");
        }
        return why == null;
    }

    private Optional<VirtualMachineInner> getVm(AzureClients.Clients c, String rg, String vmName) {
        return notFoundAsEmpty(() -> c.compute().getVirtualMachines().getByResourceGroupWithResponse(rg, vmName,
                null, Context.NONE).getValue());
    }

    private <T> Optional<T> notFoundAsEmpty(Supplier<T> get) {
        try {
            return Optional.ofNullable(get.get());
        } catch (RuntimeException e) {
            ProviderException pe = AzureErrors.classify(e, secret());
            if (pe.errorClass() == ErrorClass.NOT_FOUND) {
                return Optional.empty();
            }
            throw pe;
        }
    }

    /** Waits for a long-running operation through the SDK's poller, within the deadline. */
    private <T> T await(SyncPoller<PollResult<T>, T> poller, Deadline deadline) {
        poller.setPollInterval(settings.pollInterval());
        PollResponse<PollResult<T>> r = poller.waitForCompletion(deadline.remaining());
        if (r.getStatus() == LongRunningOperationStatus.FAILED) {
            if (r.getValue() != null && r.getValue().getError() != null) {
                throw AzureErrors.fromPollError(r.getValue().getError(), secret());
            }
        }
        if (!r.getStatus().isComplete()) {
            throw new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REGION, "OperationTimeout",
                    "Azure long-running operation did not finish in time (" + r.getStatus() + ")");
        }
        return poller.getFinalResult();
    }

    private <T> T guarded(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            ProviderException pe = AzureErrors.classify(e, secret());
            LOG.debugf("azure: %s %s: %s", pe.errorClass(), pe.providerCode(), pe.getMessage());
            throw pe;
        }
    }

    private String secret() {
        return config.get(AzureClients.CLIENT_SECRET).orElse(null);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Provider.AZURE, ErrorClass.TRANSIENT, ErrorScope.REQUEST, "Interrupted",
                    "interrupted while waiting for Azure");
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bounded wait. */
    private static final class Deadline {
        private final Instant end;

        Deadline(Duration total) {
            this.end = Instant.now().plus(total);
        }

        Duration remaining() {
            Duration d = Duration.between(Instant.now(), end);
            return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
        }

        boolean expired() {
            return !Instant.now().isBefore(end);
        }
    }
}

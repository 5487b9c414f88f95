package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.Provider;
import java.util.List;

/**
 * The contract every cloud adapter fulfils, mirroring the provisioning API. One CDI bean per provider folder.
 * Every method is blocking (called from worker threads) and throws only {@link ProviderException} for provider
 * errors, already classified. Adapters read their settings and credentials through their own config mapping and
 * {@link ConfigLookup}, so every endpoint can point at a compatible cloud or a test double.
 */
public interface ProviderAdapter {
    Provider provider();

    /**
     * Creates one instance and waits (bounded) until it runs. Idempotent per {@link ProvisionRequest#clientRequestId}:
     * a second call with the same id returns the instance the first created, through the cloud's own mechanism.
     * Tags it managed-by this service with the request id and the user's labels.
     */
    Instance provision(ProvisionRequest request);

    /**
     * Asks the cloud to delete the instance and what was created with it (disks, addresses, interfaces, firewall
     * rules that were its own). Answers what the cloud's answer says: TERMINATED only when it says terminated /
     * shutting down / deleted, else the state it left (e.g. STOPPING: delete accepted, still there); callers confirm
     * with {@link Terminations}. Throws NOT_FOUND when the cloud does not know the instance in {@code region}, never
     * reporting an unknown id as terminated.
     */
    Instance terminate(String region, String instanceId);

    /** The instance as the cloud reports it now; NOT_FOUND when it does not exist. */
    Instance describe(String region, String instanceId);

    /** Every instance tagged as managed by this service (all regions when {@code region} is empty). */
    List<Instance> listManaged(String region);

    /**
     * Whether {@code listManaged("")} covers every region the provider has (one account-wide listing: GCP's aggregated
     * list, Azure's subscription, DigitalOcean's and Vultr's account) rather than only the configured ones (AWS, one
     * client per region), so that callers need not list region by region as well.
     */
    default boolean listsEveryRegion() {
        return true;
    }

    /** The machine types the provider offers in a region, from its own API (live discovery). */
    List<DiscoveredType> discoverTypes(String region);

    /**
     * A machine type as the provider's API reports it.
     *
     * @param usdPerHour price when the discovery API returns one (DigitalOcean, Vultr), else NaN
     */
    record DiscoveredType(String name, double vcpus, double memoryGib, int gpuCount, double usdPerHour) {
    }
}

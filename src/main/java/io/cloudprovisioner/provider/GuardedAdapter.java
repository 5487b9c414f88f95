package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import java.util.List;

/**
 * The contract's operations, each run inside the provider's {@link ProviderGuard} (SmallRye Fault Tolerance:
 * bulkhead, retry on retryable classes, the provider's breaker, a time limit per kind of call). A provider folder's
 * adapter implements one attempt of each operation (the {@code *Once} methods); the guard decides how many. What a
 * listing returns is checked once more here through the provider's {@link ProviderAnswers}: each instance once and
 * carrying the managed-by label, each machine type once with believable figures.
 */
public abstract class GuardedAdapter implements ProviderAdapter {
    protected final ProviderGuard guard;
    protected final ProviderAnswers answers;

    protected GuardedAdapter(ProviderGuard guard, ProviderAnswers answers) {
        this.guard = guard;
        this.answers = answers;
    }

    @Override
    public Instance provision(ProvisionRequest request) {
        return guard.call(Call.PROVISION, () -> provisionOnce(request));
    }

    @Override
    public Instance terminate(String region, String instanceId) {
        return guard.call(Call.TERMINATE, () -> terminateOnce(region, instanceId));
    }

    @Override
    public Instance describe(String region, String instanceId) {
        return guard.call(Call.READ, () -> describeOnce(region, instanceId));
    }

    @Override
    public List<Instance> listManaged(String region) {
        return guard.call(Call.READ, () -> answers.managed("instances", listManagedOnce(region)));
    }

    @Override
    public List<DiscoveredType> discoverTypes(String region) {
        return guard.call(Call.READ, () -> answers.types("machine types of " + region, discoverTypesOnce(region)));
    }

    /** One attempt of {@link #provision}. */
    protected abstract Instance provisionOnce(ProvisionRequest request);

    /** One attempt of {@link #terminate}. */
    protected abstract Instance terminateOnce(String region, String instanceId);

    /** One attempt of {@link #describe}. */
    protected abstract Instance describeOnce(String region, String instanceId);

    /** One attempt of {@link #listManaged}. */
    protected abstract List<Instance> listManagedOnce(String region);

    /** One attempt of {@link #discoverTypes}. */
    protected abstract List<DiscoveredType> discoverTypesOnce(String region);
}

package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.catalog.InstanceTypeSpec;
import io.cloudprovisioner.catalog.LiveDiscoverySource;
import io.cloudprovisioner.catalog.LiveListing;
import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.vultr.dto.Plan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Live Vultr prices from GET /plans ([list-plans]): each plan's monthly_cost in every location it lists. Vultr
 * quotes monthly prices only, so the catalog derives the hourly figure as monthly / 730 and marks it normalised
 * from monthly. Read with the configured API key through {@link VultrClients}, plans read and checked as
 * discovery reads them ({@link io.cloudprovisioner.provider.ProviderAnswers}).
 *
 * <p>The listing is also authoritative for what Vultr offers ({@link LiveDiscoverySource}): a plan the catalog
 * lacks is added (vCPUs and memory as listed, family = the plan id's first part), the locations a plan lists are
 * where it is offered, and a plan no longer listed in a location leaves it. A GPU plan the catalog lacks is not
 * added: /plans gives its GPU model and memory but not its GPU count, and a count is never guessed. Plans failing
 * the sanity ranges never enter.
 */
@Singleton
public class VultrPrices implements LiveDiscoverySource {
    private static final Pattern REGION = Pattern.compile("[a-z]{3}");
    public static final String ID = "vultr-plans-live";

    private final VultrClients clients;
    private final VultrSettings settings;

    private final ProviderGuard guard;
    private final ProviderAnswers answers;

    @Inject
    public VultrPrices(VultrClients clients, VultrSettings settings, ProviderGuards guards) {
        this.clients = clients;
        this.settings = settings;
        this.guard = guards.of(Provider.VULTR, settings.faultTolerance());
        this.answers = new ProviderAnswers(Provider.VULTR, settings.providerAnswers());
    }

    @Override
    public Provider provider() {
        return Provider.VULTR;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Vultr API GET /plans: monthly_cost of each plan per listed location; hourly = monthly / 730 (live)";
    }

    @Override
    public String origin() {
        String b = settings.baseUrl().toString();
        return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/plans";
    }

    /** One fetch through the provider's fault-tolerance guard (retried, counted by its breaker) like its other calls. */
    @Override
    public List<LivePrice> fetch(Set<String> regions) {
        return guard.call(Call.READ, () -> fetchOnce(regions));
    }

    /** The current listing, read through the provider's fault-tolerance guard like its other calls. */
    @Override
    public LiveListing discover() {
        return guard.call(Call.READ, this::discoverOnce);
    }

    private LiveListing discoverOnce() {
        List<InstanceTypeSpec> types = new ArrayList<>();
        List<LivePrice> offerings = new ArrayList<>();
        for (Plan p : VultrAdapter.plans(clients, settings, answers)) {
            if (p.id() == null || p.id().isBlank() || p.locations() == null) {
                continue;
            }
            boolean gpu = p.gpuVramGb() > 0 || (p.gpuType() != null && !p.gpuType().isBlank());
            if (!gpu) {
                types.add(new InstanceTypeSpec(Provider.VULTR, p.id(), p.id().split("-")[0], 0, p.vcpuCount(), 0,
                        p.ram() / 1024.0, 0, "", Architecture.X86_64, false, false, false, Set.of(), ID, false,
                        false));
            }
            double monthly = p.monthlyCost() > 0 ? p.monthlyCost() : Double.NaN;
            for (String r : p.locations()) {
                if (r != null && REGION.matcher(r).matches()) {
                    offerings.add(new LivePrice(p.id(), r, Double.NaN, Double.NaN, monthly));
                }
            }
        }
        return new LiveListing(types, answers.prices("plans", offerings));
    }

    private List<LivePrice> fetchOnce(Set<String> regions) {
        List<LivePrice> out = new ArrayList<>();
        for (Plan p : VultrAdapter.plans(clients, settings, answers)) {
            if (!(p.monthlyCost() > 0) || p.locations() == null) {
                continue;
            }
            for (String r : p.locations()) {
                if (regions.contains(r)) {
                    out.add(new LivePrice(p.id(), r, Double.NaN, Double.NaN, p.monthlyCost()));
                }
            }
        }
        return answers.prices("prices", out);
    }
}

package io.cloudprovisioner.provider.vultr;

import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.catalog.LivePriceSource;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.vultr.dto.Meta;
import io.cloudprovisioner.provider.vultr.dto.Plan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Live Vultr prices from GET /plans ([list-plans]): each plan's monthly_cost in every location it lists. Vultr
 * quotes monthly prices only, so the catalog derives the hourly figure as monthly / 730 and marks it normalised
 * from monthly. Read with the configured API key through {@link VultrClients}, bounded cursor pagination.
 */
@Singleton
public class VultrPrices implements LivePriceSource {
    private static final Logger LOG = Logger.getLogger(VultrPrices.class);
    public static final String ID = "vultr-plans-live";

    private final VultrClients clients;
    private final VultrSettings settings;

    private final ProviderGuard guard;

    @Inject
    public VultrPrices(VultrClients clients, VultrSettings settings, ProviderGuards guards) {
        this.clients = clients;
        this.settings = settings;
        this.guard = guards.of(Provider.VULTR, settings.faultTolerance());
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

    private List<LivePrice> fetchOnce(Set<String> regions) {
        VultrApi api = clients.api();
        List<LivePrice> out = new ArrayList<>();
        String cursor = null;
        for (int page = 1; page <= VultrAdapter.MAX_PAGES; page++) {
            final String c = cursor;
            Plan.Page plans = clients.call("plans.list", true, () -> api.listPlans(settings.pageSize(), c));
            if (plans.plans() == null || plans.plans().isEmpty()) {
                return out;
            }
            for (Plan p : plans.plans()) {
                if (p.id() == null || !(p.monthlyCost() > 0) || p.locations() == null) {
                    continue;
                }
                for (String r : p.locations()) {
                    if (regions.contains(r)) {
                        out.add(new LivePrice(p.id(), r, Double.NaN, Double.NaN, p.monthlyCost()));
                    }
                }
            }
            cursor = Meta.next(plans.meta());
            if (cursor == null) {
                return out;
            }
        }
        LOG.warnf("Vultr plans listing stopped after %d pages", VultrAdapter.MAX_PAGES);
        return out;
    }
}

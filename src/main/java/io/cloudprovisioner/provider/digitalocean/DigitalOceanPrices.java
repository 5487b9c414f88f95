package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.catalog.LivePriceSource;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.digitalocean.dto.Size;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Live DigitalOcean prices from GET /v2/sizes ([sizes_list]): each available size's price_hourly (and price_monthly)
 * in every region it lists. DigitalOcean prices a size the same in all regions. Read with the configured token
 * through {@link DigitalOceanClients} (rate limits and retries as every other call), sizes read and checked as
 * discovery reads them ({@link io.cloudprovisioner.provider.ProviderAnswers}).
 */
@Singleton
public class DigitalOceanPrices implements LivePriceSource {
    public static final String ID = "digitalocean-sizes-live";

    private final DigitalOceanClients clients;
    private final DigitalOceanSettings settings;

    private final ProviderGuard guard;
    private final ProviderAnswers answers;

    @Inject
    public DigitalOceanPrices(DigitalOceanClients clients, DigitalOceanSettings settings, ProviderGuards guards) {
        this.clients = clients;
        this.settings = settings;
        this.guard = guards.of(Provider.DIGITALOCEAN, settings.faultTolerance());
        this.answers = new ProviderAnswers(Provider.DIGITALOCEAN, settings.providerAnswers());
    }

    @Override
    public Provider provider() {
        return Provider.DIGITALOCEAN;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "DigitalOcean API GET /v2/sizes: price_hourly and price_monthly of each available size, per listed "
                + "region (live)";
    }

    @Override
    public String origin() {
        return stripSlash(settings.baseUrl().toString()) + "/v2/sizes";
    }

    /** One fetch through the provider's fault-tolerance guard (retried, counted by its breaker) like its other calls. */
    @Override
    public List<LivePrice> fetch(Set<String> regions) {
        return guard.call(Call.READ, () -> fetchOnce(regions));
    }

    private List<LivePrice> fetchOnce(Set<String> regions) {
        List<LivePrice> out = new ArrayList<>();
        for (Size s : DigitalOceanAdapter.sizes(clients, settings, answers)) {
            if (!(s.priceHourly() > 0) || s.regions() == null) {
                continue;
            }
            double monthly = s.priceMonthly() > 0 ? s.priceMonthly() : Double.NaN;
            for (String r : s.regions()) {
                if (regions.contains(r)) {
                    out.add(LivePrice.onDemand(s.slug(), r, s.priceHourly(), monthly));
                }
            }
        }
        return answers.prices("prices", out);
    }

    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}

package io.cloudprovisioner.provider.digitalocean;

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
import io.cloudprovisioner.provider.digitalocean.dto.Size;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Live DigitalOcean prices from GET /v2/sizes ([sizes_list]): each available size's price_hourly (and price_monthly)
 * in every region it lists. DigitalOcean prices a size the same in all regions. Read with the configured token
 * through {@link DigitalOceanClients} (rate limits and retries as every other call), sizes read and checked as
 * discovery reads them ({@link io.cloudprovisioner.provider.ProviderAnswers}).
 *
 * <p>The listing is also authoritative for what DigitalOcean offers ({@link LiveDiscoverySource}): an available
 * size the catalog lacks is added (vCPUs, memory and GPU count as listed; family = the slug's first part, or its
 * first two for gpu- slugs), the regions a size lists are where it is offered, and a size that is unavailable or
 * no longer listed in a region leaves that region. Sizes failing the sanity ranges never enter.
 */
@Singleton
public class DigitalOceanPrices implements LiveDiscoverySource {
    private static final Pattern REGION = Pattern.compile("[a-z]{3}[0-9]{1,2}");
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

    /** The current listing, read through the provider's fault-tolerance guard like its other calls. */
    @Override
    public LiveListing discover() {
        return guard.call(Call.READ, this::discoverOnce);
    }

    private LiveListing discoverOnce() {
        List<InstanceTypeSpec> types = new ArrayList<>();
        List<LivePrice> offerings = new ArrayList<>();
        for (Size s : DigitalOceanAdapter.sizes(clients, settings, answers)) {
            if (s.slug() == null || s.slug().isBlank() || s.regions() == null) {
                continue;
            }
            int gpus = s.gpuInfo() == null ? 0 : s.gpuInfo().count();
            types.add(new InstanceTypeSpec(Provider.DIGITALOCEAN, s.slug(), family(s.slug()), 0, s.vcpus(), 0,
                    s.memory() / 1024.0, gpus, "", Architecture.X86_64, false, false, false, Set.of(), ID, false,
                    false));
            double hourly = s.priceHourly() > 0 ? s.priceHourly() : Double.NaN;
            double monthly = s.priceMonthly() > 0 ? s.priceMonthly() : Double.NaN;
            for (String r : s.regions()) {
                if (r != null && REGION.matcher(r).matches()) {
                    offerings.add(LivePrice.onDemand(s.slug(), r, hourly, monthly));
                }
            }
        }
        return new LiveListing(types, answers.prices("sizes", offerings));
    }

    /** "s-2vcpu-4gb" -> "s", "gpu-h100x1-80gb" -> "gpu-h100" (the bundled catalog's families). */
    static String family(String slug) {
        String[] parts = slug.split("-");
        if (parts[0].equals("gpu") && parts.length > 1) {
            int x = parts[1].indexOf('x');
            return "gpu-" + (x > 0 ? parts[1].substring(0, x) : parts[1]);
        }
        return parts[0];
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

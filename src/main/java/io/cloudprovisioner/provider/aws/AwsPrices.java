package io.cloudprovisioner.provider.aws;

import io.cloudprovisioner.provider.ProviderAnswers;
import io.cloudprovisioner.provider.ProviderAnswers.Page;
import io.cloudprovisioner.provider.ProviderGuard;
import io.cloudprovisioner.provider.ProviderGuard.Call;
import io.cloudprovisioner.provider.ProviderGuards;
import io.cloudprovisioner.catalog.LivePrice;
import io.cloudprovisioner.catalog.LivePriceSource;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ProviderException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeSpotPriceHistoryRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSpotPriceHistoryResponse;
import software.amazon.awssdk.services.ec2.model.SpotPrice;

/**
 * Live AWS spot prices from EC2 DescribeSpotPriceHistory (ProductDescription "Linux/UNIX", StartTime = EndTime =
 * now, so each type and zone reports the price in effect now), per region: the latest price of each (type, zone),
 * then the lowest over the region's zones. Regions: cloudprovisioner.aws.regions when set, else the catalog's. A
 * region refusing the credentials (not opted in, not allowed) is skipped; any other error, or every region refusing,
 * fails the fetch. On-demand prices would come from the AWS Price List API, which this source does not read.
 */
@Singleton
public class AwsPrices implements LivePriceSource {
    private static final Logger LOG = Logger.getLogger(AwsPrices.class);
    public static final String ID = "aws-spot-price-history-live";
    static final String LINUX = "Linux/UNIX";

    private final AwsClients clients;
    private final AwsSettings settings;

    private final ProviderGuard guard;
    private final ProviderAnswers answers;

    @Inject
    public AwsPrices(AwsClients clients, AwsSettings settings, ProviderGuards guards) {
        this.clients = clients;
        this.settings = settings;
        this.guard = guards.of(Provider.AWS, settings.faultTolerance());
        this.answers = new ProviderAnswers(Provider.AWS, settings.providerAnswers());
    }

    @Override
    public Provider provider() {
        return Provider.AWS;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "EC2 DescribeSpotPriceHistory, Linux/UNIX: current spot USD/h per instance type, lowest over the "
                + "region's availability zones (live)";
    }

    @Override
    public String origin() {
        return settings.endpoint().map(Object::toString).orElse("https://ec2.{region}.amazonaws.com")
                + " DescribeSpotPriceHistory";
    }

    /** One fetch through the provider's fault-tolerance guard (retried, counted by its breaker) like its other calls. */
    @Override
    public List<LivePrice> fetch(Set<String> catalogRegions) {
        return guard.call(Call.READ, () -> fetchOnce(catalogRegions));
    }

    private List<LivePrice> fetchOnce(Set<String> catalogRegions) {
        Set<String> regions = new TreeSet<>(catalogRegions);
        settings.regions().ifPresent(only -> regions.retainAll(Set.copyOf(only)));
        List<LivePrice> out = new ArrayList<>();
        ProviderException refused = null;
        int ok = 0;
        for (String region : regions) {
            try {
                out.addAll(region(region));
                ok++;
            } catch (ProviderException e) {
                if (e.errorClass() != ErrorClass.AUTH) {
                    throw e;
                }
                refused = e;
                LOG.debugf("AWS spot prices: %s refused (%s %s), skipped", region, e.errorClass(), e.providerCode());
            }
        }
        if (ok == 0 && refused != null) {
            throw refused;
        }
        return out;
    }

    private List<LivePrice> region(String region) {
        Ec2Client ec2 = clients.ec2(region);
        Instant now = Instant.now();
        Map<String, SpotPrice> latest = new HashMap<>(); // type + " " + zone -> latest entry
        List<SpotPrice> history = answers.pages("spot price history in " + region, token -> {
            DescribeSpotPriceHistoryRequest.Builder req = DescribeSpotPriceHistoryRequest.builder()
                    .productDescriptions(LINUX).startTime(now).endTime(now).maxResults(1000).nextToken(token);
            DescribeSpotPriceHistoryResponse r;
            try {
                r = ec2.describeSpotPriceHistory(req.build());
            } catch (SdkException e) {
                throw AwsErrors.classify(e, "DescribeSpotPriceHistory", false);
            }
            return new Page<>(r.spotPriceHistory(), r.nextToken());
        });
        for (SpotPrice p : history) {
            if (!LINUX.equals(p.productDescriptionAsString()) || p.instanceTypeAsString() == null
                    || p.availabilityZone() == null || p.spotPrice() == null) {
                continue;
            }
            latest.merge(p.instanceTypeAsString() + " " + p.availabilityZone(), p, AwsPrices::later);
        }
        Map<String, Double> cheapest = new HashMap<>();
        for (SpotPrice p : latest.values()) {
            double v;
            try {
                v = Double.parseDouble(p.spotPrice());
            } catch (NumberFormatException e) {
                continue;
            }
            if (v > 0 && !Double.isInfinite(v)) {
                cheapest.merge(p.instanceTypeAsString(), v, Math::min);
            }
        }
        List<LivePrice> out = new ArrayList<>(cheapest.size());
        cheapest.forEach((type, v) -> out.add(LivePrice.spot(type, region, v)));
        return answers.prices("spot prices", out);
    }

    private static SpotPrice later(SpotPrice a, SpotPrice b) {
        if (a.timestamp() == null) {
            return b;
        }
        return b.timestamp() != null && b.timestamp().isAfter(a.timestamp()) ? b : a;
    }
}

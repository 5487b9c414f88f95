package io.cloudprovisioner.provider.digitalocean;

import io.cloudprovisioner.provider.RestCalls;
import io.cloudprovisioner.provider.RestErrors;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ConfigLookup;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderException;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Builds and caches the DigitalOcean REST client (one: the API is global) from the settings and the token, and runs
 * every call through {@link #call}: it waits (bounded) when the account's rate limit is used up, makes the call once
 * and classifies whatever fails once (retrying is the job of the adapter's fault-tolerance guard).
 * The token is read through {@link ConfigLookup} only, sent as a bearer header by a headers factory, and never logged.
 */
@Singleton
public class DigitalOceanClients {
    private static final Logger LOG = Logger.getLogger(DigitalOceanClients.class);

    private final DigitalOceanSettings settings;
    private final ConfigLookup config;
    private final RateLimit rateLimit = new RateLimit(Clock.systemUTC());
    private volatile DigitalOceanApi api;
    private volatile String token;

    @Inject
    public DigitalOceanClients(DigitalOceanSettings settings, Config config) {
        this.settings = settings;
        this.config = ConfigLookup.of(config);
    }

    /** The API client, built on first use. */
    public DigitalOceanApi api() {
        DigitalOceanApi a = api;
        if (a == null) {
            synchronized (this) {
                if (api == null) {
                    String t = token();
                    api = QuarkusRestClientBuilder.newBuilder()
                            .baseUri(settings.baseUrl())
                            .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .clientHeadersFactory(new RestCalls.BearerHeaders(t))
                            .register(new DigitalOceanErrors.Mapper(t))
                            .register(rateLimit)
                            .build(DigitalOceanApi.class);
                }
                a = api;
            }
        }
        return a;
    }

    private String token() {
        String t = token;
        if (t == null) {
            t = DigitalOceanDescriptor.ENV.stream().map(config::get).flatMap(java.util.Optional::stream).findFirst()
                    .orElseThrow(() -> new ProviderException(Provider.DIGITALOCEAN, ErrorClass.AUTH,
                            ErrorScope.PROVIDER, "no_token",
                            "no DigitalOcean token configured (set DIGITALOCEAN_TOKEN, DO_API_TOKEN or DO_TOKEN)"));
            token = t;
        }
        return t;
    }

    /**
     * Runs one API call once, behind the rate-limit gate, and classifies its failure.
     *
     * @param idempotent whether repeating it is harmless (reads, deletes); a create's transient failure is marked
     *     outcome-unknown and so not retried automatically (a rate limit is answered before anything happens)
     */
    public <T> T call(String operation, boolean idempotent, Supplier<T> work) {
        return RestCalls.call(Provider.DIGITALOCEAN, operation, idempotent, settings.maxRetryWait(), rateLimit,
                e -> DigitalOceanErrors.classify(e, token), work);
    }

    /** Runs a call that returns nothing. */
    public void run(String operation, boolean idempotent, Runnable work) {
        call(operation, idempotent, () -> {
            work.run();
            return null;
        });
    }

    static void sleep(Duration d) {
        RestCalls.sleep(Provider.DIGITALOCEAN, d);
    }

    /**
     * DigitalOcean's ratelimit-remaining / ratelimit-reset headers, read from every answer. When nothing remains and
     * the reset is near, the next call waits for it instead of hammering the API; when it is far, it fails fast.
     */
    static final class RateLimit implements ClientResponseFilter, RestCalls.Gate {
        private final Clock clock;
        private volatile long remaining = -1;
        private volatile long resetEpochSecond;

        RateLimit(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void filter(ClientRequestContext request, ClientResponseContext response) {
            String rem = response.getHeaderString("ratelimit-remaining");
            String reset = response.getHeaderString("ratelimit-reset");
            try {
                if (rem != null) {
                    remaining = Long.parseLong(rem.trim());
                }
                if (reset != null) {
                    resetEpochSecond = Long.parseLong(reset.trim());
                }
            } catch (NumberFormatException ignored) {
                remaining = -1;
            }
        }

        @Override
        public void await(Duration maxWait) {
            if (remaining != 0) {
                return;
            }
            Instant now = clock.instant();
            Duration wait = Duration.ofSeconds(resetEpochSecond).minus(Duration.ofSeconds(now.getEpochSecond()));
            if (wait.isNegative() || wait.isZero()) {
                remaining = -1;
                return;
            }
            if (wait.compareTo(maxWait) > 0) {
                throw new RestErrors.RateLimited(Provider.DIGITALOCEAN, "ratelimit_exhausted", "DigitalOcean API rate limit used up; "
                        + "it resets in " + wait.toSeconds() + " s", wait);
            }
            LOG.debugf("DigitalOcean rate limit used up; waiting %d ms for its reset", wait.toMillis());
            sleep(wait);
            remaining = -1;
        }

        long remaining() {
            return remaining;
        }
    }
}

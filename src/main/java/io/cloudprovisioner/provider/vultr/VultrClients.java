package io.cloudprovisioner.provider.vultr;

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
 * Builds and caches the Vultr REST client (one: the API is global) from the settings and the API key, and runs
 * every call through {@link #call}: it waits (bounded) when the account's rate limit is used up, makes the call once
 * and classifies whatever fails once (retrying is the job of the adapter's fault-tolerance guard).
 * The key is read through {@link ConfigLookup} only, sent as a bearer header by a headers factory, and never logged.
 */
@Singleton
public class VultrClients {
    private static final Logger LOG = Logger.getLogger(VultrClients.class);

    private final VultrSettings settings;
    private final ConfigLookup config;
    private final RateLimit rateLimit = new RateLimit(Clock.systemUTC());
    private volatile VultrApi api;
    private volatile String token;

    @Inject
    public VultrClients(VultrSettings settings, Config config) {
        this.settings = settings;
        this.config = ConfigLookup.of(config);
    }

    /** The API client, built on first use. */
    public VultrApi api() {
        VultrApi a = api;
        if (a == null) {
            synchronized (this) {
                if (api == null) {
                    String t = token();
                    api = QuarkusRestClientBuilder.newBuilder()
                            .baseUri(settings.baseUrl())
                            .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .clientHeadersFactory(new RestCalls.BearerHeaders(t))
                            .register(new VultrErrors.Mapper(t))
                            .register(rateLimit)
                            .build(VultrApi.class);
                }
                a = api;
            }
        }
        return a;
    }

    private String token() {
        String t = token;
        if (t == null) {
            t = VultrDescriptor.ENV.stream().map(config::get).flatMap(java.util.Optional::stream).findFirst()
                    .orElseThrow(() -> new ProviderException(Provider.VULTR, ErrorClass.AUTH,
                            ErrorScope.PROVIDER, "no_api_key", "no Vultr API key configured (set VULTR_API_KEY)"));
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
        return RestCalls.call(Provider.VULTR, operation, idempotent, settings.maxRetryWait(), rateLimit,
                e -> VultrErrors.classify(e, token), work);
    }

    /** Runs a call that returns nothing. */
    public void run(String operation, boolean idempotent, Runnable work) {
        call(operation, idempotent, () -> {
            work.run();
            return null;
        });
    }

    static void sleep(Duration d) {
        RestCalls.sleep(Provider.VULTR, d);
    }

    /**
     * Vultr sends no remaining-quota headers; a 429's retry-after sets a not-before time. Until then the next call
     * waits (bounded) instead of hammering the API; when the wait is too long, it fails fast.
     */
    static final class RateLimit implements ClientResponseFilter, RestCalls.Gate {
        private final Clock clock;
        private volatile Instant notBefore = Instant.EPOCH;

        RateLimit(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void filter(ClientRequestContext request, ClientResponseContext response) {
            if (response.getStatus() == 429) {
                Duration wait = RestErrors.retryAfter(response::getHeaderString, clock).orElse(Duration.ofSeconds(1));
                notBefore = clock.instant().plus(wait);
            }
        }

        @Override
        public void await(Duration maxWait) {
            Duration wait = Duration.between(clock.instant(), notBefore);
            if (wait.isNegative() || wait.isZero()) {
                return;
            }
            if (wait.compareTo(maxWait) > 0) {
                throw new RestErrors.RateLimited(Provider.VULTR, "rate_limited", "Vultr API rate limit hit; retry after "
                        + Math.max(1, wait.toSeconds()) + " s", wait);
            }
            LOG.debugf("Vultr rate limit hit; waiting %d ms", wait.toMillis());
            sleep(wait);
        }
    }
}

package io.cloudprovisioner.provider;

import io.cloudprovisioner.domain.Provider;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;
import org.jboss.logging.Logger;

/**
 * How the REST + JSON providers (DigitalOcean, Vultr) run one API call: wait at the provider's rate-limit gate,
 * retry rate limits and - for idempotent calls only - transient errors, bounded in attempts and in wait, and
 * classify everything else once. Also the bearer header both send.
 */
public final class RestCalls {
    private static final Logger LOG = Logger.getLogger(RestCalls.class);

    private RestCalls() {
    }

    /** A provider's rate-limit state: waits (at most {@code maxWait}) or fails fast before a call. */
    public interface Gate {
        void await(Duration maxWait);
    }

    /**
     * Runs one call.
     *
     * @param idempotent whether a transient failure may be retried (reads, deletes); creates are retried only on a
     *     rate limit, which the providers answer before doing anything
     * @param classify the provider's classification of whatever the client threw
     */
    public static <T> T call(Provider provider, String operation, boolean idempotent, int maxAttempts,
            Duration maxRetryWait, Gate gate, Function<RuntimeException, ProviderException> classify,
            Supplier<T> work) {
        int max = Math.max(1, maxAttempts);
        for (int attempt = 1;; attempt++) {
            gate.await(maxRetryWait);
            try {
                return work.get();
            } catch (RuntimeException e) {
                ProviderException pe = classify.apply(e);
                boolean again = attempt < max && pe.retryable()
                        && (idempotent || pe.errorClass() == ErrorClass.RATE_LIMITED);
                Duration wait = pe instanceof RestErrors.RateLimited rl ? rl.retryAfter()
                        : Duration.ofMillis(200L << Math.min(attempt - 1, 5));
                if (!again || wait.compareTo(maxRetryWait) > 0) {
                    throw pe;
                }
                LOG.debugf("%s %s attempt %d/%d failed (%s %s), retrying in %d ms", provider.displayName(),
                        operation, attempt, max, pe.errorClass(), pe.providerCode(), wait.toMillis());
                sleep(provider, wait);
            }
        }
    }

    /** Sleeps; an interrupt becomes a TRANSIENT error of {@code provider} (and keeps the interrupt flag). */
    public static void sleep(Provider provider, Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(provider, ErrorClass.TRANSIENT, ErrorScope.REQUEST, "interrupted",
                    "interrupted while waiting for " + provider.displayName());
        }
    }

    /** Adds the bearer credential; holds the only reference besides the provider's clients and prints nothing. */
    public static final class BearerHeaders implements ClientHeadersFactory {
        private final String token;

        public BearerHeaders(String token) {
            this.token = token;
        }

        @Override
        public MultivaluedMap<String, String> update(MultivaluedMap<String, String> incoming,
                MultivaluedMap<String, String> outgoing) {
            MultivaluedMap<String, String> h = new MultivaluedHashMap<>();
            h.putSingle("Authorization", "Bearer " + token);
            return h;
        }

        @Override
        public String toString() {
            return "BearerHeaders[***]";
        }
    }
}

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
 * How the REST + JSON providers (DigitalOcean, Vultr) run one API call: wait (bounded) at the provider's rate-limit
 * gate, make the call once, and classify whatever fails once. Retrying is not done here: the provider's
 * {@link ProviderGuard} (SmallRye Fault Tolerance) retries the whole adapter operation on retryable classes. A call
 * that is not idempotent (a create) and fails TRANSIENT may have taken effect; its error is marked
 * {@link ProviderException#outcomeUnknown()} so that it is not repeated automatically. Also the bearer header both
 * send.
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
     * Runs one call, once.
     *
     * @param idempotent whether repeating the call is harmless (reads, deletes); a create's TRANSIENT failure is
     *     marked outcome-unknown. Rate limits are answered before anything happens, so they stay retryable.
     * @param maxGateWait longest wait at the rate-limit gate before failing fast with RATE_LIMITED
     * @param classify the provider's classification of whatever the client threw
     */
    public static <T> T call(Provider provider, String operation, boolean idempotent, Duration maxGateWait, Gate gate,
            Function<RuntimeException, ProviderException> classify, Supplier<T> work) {
        gate.await(maxGateWait);
        try {
            return work.get();
        } catch (RuntimeException e) {
            ProviderException pe = classify.apply(e);
            if (!idempotent && pe.errorClass() == ErrorClass.TRANSIENT) {
                LOG.debugf("%s %s failed without a definite answer (%s); not repeated automatically",
                        provider.displayName(), operation, pe.providerCode());
                throw ProviderException.outcomeUnknown(pe);
            }
            throw pe;
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

package io.cloudprovisioner.selection;

import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Offerings that failed on capacity or quota recently, so that failover skips them for a while instead of asking
 * the same cloud again (capacity errors must never loop). A CAPACITY error blocks the (provider, region, type); a
 * QUOTA error blocks the (provider, region), or the whole provider when its scope is PROVIDER.
 */
@Singleton
public class FailedOfferings {
    private final Map<String, Instant> until = new ConcurrentHashMap<>();
    private final Duration remember;
    private final Clock clock;

    @Inject
    public FailedOfferings(@ConfigProperty(name = "cloudprovisioner.failover.remember", defaultValue = "5m")
            Duration remember) {
        this(remember, Clock.systemUTC());
    }

    public FailedOfferings(Duration remember, Clock clock) {
        this.remember = remember;
        this.clock = clock;
    }

    /** Remembers a CAPACITY or QUOTA failure; other classes are not remembered. */
    public void failed(Provider provider, String region, String type, ErrorClass errorClass, ErrorScope scope) {
        if (errorClass != ErrorClass.CAPACITY && errorClass != ErrorClass.QUOTA) {
            return;
        }
        Instant end = clock.instant().plus(remember);
        if (scope == ErrorScope.PROVIDER) {
            until.put(key(provider, "*", "*"), end);
        } else if (errorClass == ErrorClass.QUOTA) {
            until.put(key(provider, region, "*"), end);
        } else {
            until.put(key(provider, region, type), end);
        }
    }

    /** Why the offering is skipped now (e.g. "capacity failure remembered until ..."), or empty. */
    public Optional<String> blocked(Provider provider, String region, String type) {
        Instant now = clock.instant();
        for (String k : new String[] { key(provider, region, type), key(provider, region, "*"),
                key(provider, "*", "*") }) {
            Instant end = until.get(k);
            if (end != null) {
                if (now.isBefore(end)) {
                    return Optional.of("failed on capacity or quota recently; skipped until " + end);
                }
                until.remove(k, end);
            }
        }
        return Optional.empty();
    }

    /** Forgets every remembered failure. */
    public void clear() {
        until.clear();
    }

    private static String key(Provider p, String region, String type) {
        return p.id() + "|" + region + "|" + type;
    }
}

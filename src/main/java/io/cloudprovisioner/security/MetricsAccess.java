package io.cloudprovisioner.security;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Who may read {@code /q/metrics} (Prometheus; on the service's one port). {@code cloudprovisioner.security.metrics}:
 * {@code loopback} (default) answers only clients connecting from a loopback address (a scraper beside the service,
 * {@code kubectl port-forward}, curl on the host), others get 403; {@code open} answers everyone, like health (for a
 * Prometheus elsewhere in the network). The meters carry no secret, instance id, request id or principal (only
 * provider, region, state and outcome tags), but counts and spend are the operator's business, hence the default.
 */
@Singleton
public class MetricsAccess {
    private static final Logger LOG = Logger.getLogger(MetricsAccess.class);
    static final String MODE = "cloudprovisioner.security.metrics";

    void routes(@Observes Router router) {
        String mode = ConfigProvider.getConfig().getOptionalValue(MODE, String.class).orElse("loopback").strip()
                .toLowerCase(Locale.ROOT);
        if (mode.equals("open")) {
            return;
        }
        if (!mode.equals("loopback")) {
            throw new IllegalStateException(MODE + " must be loopback or open, not " + mode);
        }
        String root = ConfigProvider.getConfig().getOptionalValue("quarkus.http.non-application-root-path",
                String.class).orElse("q").replaceAll("^/+|/+$", "");
        router.route("/" + root + "/metrics*").order(Integer.MIN_VALUE).handler(rc -> {
            if (loopback(rc.request().remoteAddress())) {
                rc.next();
            } else {
                LOG.debugf("metrics: refused a non-loopback client");
                rc.response().setStatusCode(403).putHeader("content-type", "text/plain")
                        .end("metrics are served to loopback clients only (" + MODE + "=loopback); set " + MODE
                                + "=open to serve them to the network\n");
            }
        });
    }

    static boolean loopback(SocketAddress a) {
        if (a == null || a.hostAddress() == null) {
            return false;
        }
        // the peer's address literal (IPv4, IPv6, IPv4-mapped IPv6): parsed without a name lookup
        return !a.isDomainSocket() && SecuritySettings.loopback(a.hostAddress());
    }
}

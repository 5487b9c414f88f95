package io.cloudprovisioner.api;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * gRPC framing errors that Vert.x's gRPC transport throws instead of answering, logged as one rate-limited WARN
 * line instead of an ERROR with a stack trace per request. The one met: a message with the compressed flag set on a
 * call without a {@code grpc-encoding} (vertx-grpc 4.5 throws UnsupportedOperationException "Handle me" from
 * GrpcReadStreamBase); the message is dropped and the call is answered INVALID_ARGUMENT by {@link RequestDecoding}
 * ("the call ended without a request message"). Every other uncaught exception goes to the handler that was there
 * before (Quarkus's, which logs it).
 */
@ApplicationScoped
public class TransportErrors {
    private static final Logger LOG = Logger.getLogger(TransportErrors.class);
    private static final RateLimitedLog FRAMING = new RateLimitedLog(LOG, RequestDecoding.LOG_INTERVAL,
            "requests with broken gRPC framing");

    void install(@Observes StartupEvent event, Vertx vertx) {
        Handler<Throwable> previous = vertx.exceptionHandler();
        vertx.exceptionHandler(t -> {
            if (isFramingError(t)) {
                FRAMING.warn("refused a request with broken gRPC framing (a compressed message without "
                        + "grpc-encoding)");
            } else if (previous != null) {
                previous.handle(t);
            } else {
                LOG.error("uncaught exception on the event loop", t);
            }
        });
    }

    /** Thrown by Vert.x's gRPC message reader on a client's framing, not by our code. */
    static boolean isFramingError(Throwable t) {
        StackTraceElement[] at = t.getStackTrace();
        return t instanceof UnsupportedOperationException && at.length > 0
                && at[0].getClassName().startsWith("io.vertx.grpc.common.impl.GrpcReadStreamBase");
    }
}

package io.cloudprovisioner.api;

import io.cloudprovisioner.quota.QuotaSettings;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's maximum deadline ({@code cloudprovisioner.quotas.max-deadline}, default 30 minutes): a call without a
 * deadline, or with a later one, runs with this one. When it passes the call's context is cancelled and the call
 * ends DEADLINE_EXCEEDED; work already handed to a cloud runs on to the end the ledger records (a retry with the
 * same client_request_id returns it). Health and reflection calls pass through unchanged.
 */
@ApplicationScoped
@GlobalInterceptor
public class DeadlineCap implements ServerInterceptor {
    @Inject
    QuotaSettings settings;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deadline-cap");
        t.setDaemon(true);
        return t;
    });

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (service == null || !service.startsWith("cloudprovisioner.")) {
            return next.startCall(call, headers);
        }
        long maxNanos = settings.maxDeadline().toNanos();
        Deadline cap = Deadline.after(maxNanos, TimeUnit.NANOSECONDS);
        Deadline callers = Context.current().getDeadline();
        if (callers != null && !cap.isBefore(callers)) {
            return next.startCall(call, headers); // the caller's own deadline is the shorter one
        }
        Context.CancellableContext ctx = Context.current().withDeadline(cap, timer);
        OnceClosed<Q, R> guarded = new OnceClosed<>(call);
        ctx.addListener(c -> {
            if (cap.isExpired()) {
                guarded.close(Status.DEADLINE_EXCEEDED.withDescription("the server's maximum deadline of "
                        + settings.maxDeadline() + " passed (cloudprovisioner.quotas.max-deadline)"), new Metadata());
            }
        }, Runnable::run);
        ServerCall.Listener<Q> inner = Contexts.interceptCall(ctx, guarded, headers, next);
        return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    ctx.cancel(null); // frees the timer
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    ctx.cancel(null);
                }
            }
        };
    }

    /** A call that is closed at most once, from whichever thread comes first. */
    static final class OnceClosed<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private boolean closed;

        OnceClosed(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }
    }
}

package io.cloudprovisioner.api;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Names the caller of each call: the authenticated principal (Quarkus Security: an API key's principal, a JWT's
 * upn / preferred_username / sub, a client certificate's CN, or in local mode the configured default owner). Runs inside Quarkus's security
 * interceptor: it takes the call's deferred identity and keeps its name and roles in the call's gRPC context
 * ({@link CallState}, made by {@link io.cloudprovisioner.security.CallAudit}), where {@link #current()} reads it.
 * {@link ApiErrors#unary} waits for the identity before it runs an RPC's work and runs the work in the call's
 * context, so {@link #current()} answers there on any thread.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerInterceptor implements ServerInterceptor {
    public static final Context.Key<CallState> STATE = Context.key("cloudprovisioner-call-state");

    @Inject
    CurrentIdentityAssociation identity;

    /** Who the call is, once authentication has resolved. */
    public static final class CallState {
        private final CompletableFuture<SecurityIdentity> who = new CompletableFuture<>();
        private final String rpc;
        private final String callId = java.util.UUID.randomUUID().toString();
        private volatile String clientRequestId;

        public CallState() {
            this("-");
        }

        /** The state of a call of {@code rpc} (the bare method name). */
        public CallState(String rpc) {
            this.rpc = rpc;
        }

        public String rpc() {
            return rpc;
        }

        /** The request's client_request_id once its message was read (bounded, plain characters), else null. */
        public String clientRequestId() {
            return clientRequestId;
        }

        public void clientRequestId(String id) {
            if (id != null && !id.isEmpty()) {
                String cut = id.length() > 128 ? id.substring(0, 128) : id;
                clientRequestId = cut.replaceAll("[^A-Za-z0-9._:/@-]", "?");
            }
        }

        /**
         * The request id of the call's log lines: its client_request_id when the request has one, else an id made
         * for the call (a UUID; it appears in no answer).
         */
        public String requestId() {
            String id = clientRequestId;
            return id != null ? id : callId;
        }

        /** Completes when the identity is known (also when authentication failed: the call is refused anyway). */
        public CompletableFuture<SecurityIdentity> identity() {
            return who;
        }

        public String principalOr(String fallback) {
            SecurityIdentity i = who.getNow(null);
            return i == null || i.isAnonymous() ? fallback : i.getPrincipal().getName();
        }

        public String rolesText() {
            SecurityIdentity i = who.getNow(null);
            return i == null || i.getRoles().isEmpty() ? "no role" : "roles " + new TreeSet<>(i.getRoles());
        }
    }

    /** The caller of a call: principal name and roles (admin sees and touches every caller's records). */
    public record Caller(String principal, Set<String> roles) {
        public boolean admin() {
            return roles.contains(io.cloudprovisioner.security.Roles.ADMIN);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        CallState state = STATE.get();
        if (state != null) {
            Uni<SecurityIdentity> deferred = identity.getDeferredIdentity();
            deferred.subscribe().with(state.who::complete, failure -> state.who.complete(null));
        }
        return next.startCall(call, headers);
    }

    /** Completes when the current call's identity is known (at once outside a call). */
    static CompletableFuture<?> known() {
        CallState s = STATE.get();
        return s == null ? CompletableFuture.completedFuture(null) : s.who;
    }

    /** The current call's caller; in a call whose identity is not known yet, or outside calls, "anonymous". */
    public static Caller caller() {
        CallState s = STATE.get();
        SecurityIdentity i = s == null ? null : s.who.getNow(null);
        if (i == null || i.isAnonymous()) {
            return new Caller("anonymous", Set.of());
        }
        return new Caller(i.getPrincipal().getName(), Set.copyOf(i.getRoles()));
    }

    /** The principal of the current call (see {@link #caller()}). */
    public static String current() {
        return caller().principal();
    }
}

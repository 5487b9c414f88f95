package io.cloudprovisioner.api;

import io.grpc.Context;
import org.jboss.logging.MDC;

/**
 * The call's fields in the logging MDC, so that every log line written while a call's code runs names it (under
 * {@code "mdc"} in JSON logs): {@code request_id} (the client_request_id, else an id made for the call),
 * {@code principal} (once authentication resolved; "-" before) and {@code rpc}. Set around each step of a call (the
 * interceptor's callbacks on the event loop, the RPC's work on whichever thread runs it) and put back as it was
 * after the step, so nothing leaks into the next call that thread (or Vert.x context) serves. Values are bounded
 * plain text: never a credential.
 */
public final class CallMdc implements AutoCloseable {
    public static final String REQUEST_ID = "request_id";
    public static final String PRINCIPAL = "principal";
    public static final String RPC = "rpc";
    private static final String[] KEYS = {REQUEST_ID, PRINCIPAL, RPC};

    private final Object[] previous = new Object[KEYS.length];
    private final boolean active;

    private CallMdc(CallerInterceptor.CallState s) {
        active = true;
        for (int i = 0; i < KEYS.length; i++) {
            previous[i] = MDC.get(KEYS[i]);
        }
        MDC.put(REQUEST_ID, s.requestId());
        MDC.put(PRINCIPAL, plain(s.principalOr("-")));
        MDC.put(RPC, s.rpc());
    }

    private CallMdc() {
        active = false; // outside a call: nothing to put or restore
    }

    /** Puts {@code state}'s fields in the MDC until {@link #close()}. */
    public static CallMdc enter(CallerInterceptor.CallState state) {
        return state == null ? new CallMdc() : new CallMdc(state);
    }

    /** Puts the current gRPC call's fields (from its context) in the MDC until {@link #close()}. */
    public static CallMdc enter() {
        return enter(CallerInterceptor.STATE.get(Context.current()));
    }

    @Override
    public void close() {
        if (!active) {
            return;
        }
        for (int i = 0; i < KEYS.length; i++) {
            if (previous[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], previous[i]);
            }
        }
    }

    private static String plain(String s) {
        String cut = s.length() > 128 ? s.substring(0, 128) : s;
        return cut.replaceAll("[^A-Za-z0-9._:/@=, -]", "?");
    }
}

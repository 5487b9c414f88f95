package io.cloudprovisioner.security;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.cloudprovisioner.api.CallMdc;
import io.cloudprovisioner.api.CallerInterceptor;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The outermost interceptor of every call. Writes one audit line per call of a mutating RPC (one that needs
 * operator or admin) when it ends: principal, RPC, client request id, provider, instance, outcome; never a
 * credential (only the principal's name and request fields are read). And completes PERMISSION_DENIED with the
 * role the RPC needs.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallAudit implements ServerInterceptor, Prioritized {
    private static final Logger LOG = Logger.getLogger("io.cloudprovisioner.audit");
    private static final Pattern PLAIN = Pattern.compile("[^A-Za-z0-9._:/@-]");

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE - 10; // outside Quarkus's security interceptor, so that its answers pass here too
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        boolean audited = RequiredRoles.mutating(method);
        Map<String, String> fields = new LinkedHashMap<>();
        CallerInterceptor.CallState state = new CallerInterceptor.CallState(
                call.getMethodDescriptor().getBareMethodName());
        ServerCall<Q, R> wrapped = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                if (audited && message instanceof Message m) {
                    read(m, fields, false);
                }
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                Status out = status;
                if (status.getCode() == Status.Code.PERMISSION_DENIED
                        && AuthErrors.ROLE_MARKER.equals(status.getDescription())) {
                    String role = RequiredRoles.of(method).orElse("admin");
                    out = Status.PERMISSION_DENIED.withDescription(call.getMethodDescriptor().getBareMethodName()
                            + " needs the role " + role + " (principal " + state.principalOr("unknown")
                            + " has " + state.rolesText() + ")");
                }
                if (audited) {
                    try (CallMdc mdc = CallMdc.enter(state)) {
                        LOG.infof("audit rpc=%s principal=%s client_request_id=%s provider=%s instance=%s outcome=%s",
                            call.getMethodDescriptor().getBareMethodName(), plain(state.principalOr("-")),
                            plain(fields.getOrDefault("client_request_id", "-")),
                            plain(fields.getOrDefault("provider", "-")), plain(fields.getOrDefault("instance", "-")),
                            out.getCode());
                    }
                }
                try (CallMdc mdc = CallMdc.enter(state)) {
                    super.close(out, trailers);
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try (CallMdc mdc = CallMdc.enter(state)) {
            listener = io.grpc.Contexts.interceptCall(io.grpc.Context.current().withValue(
                    CallerInterceptor.STATE, state), wrapped, headers, next);
        }
        // every step of the call runs with its request id, principal and rpc in the logging MDC (CallMdc), put back
        // as it was after each step
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof Message m) {
                    if (audited) {
                        read(m, fields, true);
                    }
                    requestId(m, state);
                }
                try (CallMdc mdc = CallMdc.enter(state)) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (CallMdc mdc = CallMdc.enter(state)) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                try (CallMdc mdc = CallMdc.enter(state)) {
                    super.onCancel();
                }
            }

            @Override
            public void onComplete() {
                try (CallMdc mdc = CallMdc.enter(state)) {
                    super.onComplete();
                }
            }

            @Override
            public void onReady() {
                try (CallMdc mdc = CallMdc.enter(state)) {
                    super.onReady();
                }
            }
        };
    }

    /** The request's client_request_id, for the call's log lines (the first message's, of a stream). */
    private static void requestId(Message m, CallerInterceptor.CallState state) {
        if (state.clientRequestId() != null) {
            return;
        }
        Descriptors.FieldDescriptor f = m.getDescriptorForType().findFieldByName("client_request_id");
        if (f != null && !f.isRepeated() && f.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
            state.clientRequestId((String) m.getField(f));
        }
    }

    /** The request's (or answer's) client request id, provider and instance id, where it has them. */
    private static void read(Message m, Map<String, String> fields, boolean request) {
        Descriptors.Descriptor d = m.getDescriptorForType();
        put(m, d, "client_request_id", fields, "client_request_id", !request);
        put(m, d, "provider", fields, "provider", false);
        put(m, d, "instance_id", fields, "instance", false);
        Descriptors.FieldDescriptor inst = d.findFieldByName("instance");
        if (!request && inst != null && inst.getType() == Descriptors.FieldDescriptor.Type.MESSAGE
                && !inst.isRepeated() && m.hasField(inst)) {
            Message i = (Message) m.getField(inst);
            put(i, i.getDescriptorForType(), "id", fields, "instance", true);
            put(i, i.getDescriptorForType(), "provider", fields, "provider", false);
        }
    }

    private static void put(Message m, Descriptors.Descriptor d, String name, Map<String, String> fields, String as,
            boolean override) {
        Descriptors.FieldDescriptor f = d.findFieldByName(name);
        if (f == null || f.isRepeated() || (fields.containsKey(as) && !override)) {
            return;
        }
        Object v = m.getField(f);
        String s = v instanceof Descriptors.EnumValueDescriptor e ? e.getName() : String.valueOf(v);
        if (!s.isEmpty() && !s.endsWith("_UNSPECIFIED")) {
            fields.put(as, s);
        }
    }

    static String plain(String s) {
        String cut = s.length() > 128 ? s.substring(0, 128) : s;
        return PLAIN.matcher(cut).replaceAll("?");
    }
}

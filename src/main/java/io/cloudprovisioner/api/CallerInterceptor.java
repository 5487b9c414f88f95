package io.cloudprovisioner.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;

/**
 * Names the caller of each call for the ledger: the {@code x-caller} request header when it is a plain name
 * (letters, digits, '.', '_', '-', '@', ':', '/', at most 128), else "anonymous". It identifies, it does not
 * authenticate: put the service behind an authenticating proxy or mesh when callers must be trusted.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> HEADER = Metadata.Key.of("x-caller", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CALLER = Context.key("cloudprovisioner-caller");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:/-]{1,128}");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String v = headers.get(HEADER);
        String caller = v != null && NAME.matcher(v).matches() ? v : "anonymous";
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /** The caller of the current call (read on the gRPC thread, before work moves to another thread). */
    public static String current() {
        String c = CALLER.get();
        return c == null ? "anonymous" : c;
    }
}

package io.cloudprovisioner.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * How refused calls answer: no credential UNAUTHENTICATED naming the accepted mechanisms; a refused credential
 * UNAUTHENTICATED; too small a role PERMISSION_DENIED (the role needed is named by {@link CallAudit}, which knows
 * the RPC). Never the credential itself, never a stack trace.
 */
@Singleton
@Alternative
@Priority(1)
public class AuthErrors implements AuthExceptionHandlerProvider {
    /** A PERMISSION_DENIED description that {@link CallAudit} completes with the RPC's role. */
    static final String ROLE_MARKER = "the caller's roles do not allow this call";

    @Inject
    SecuritySettings settings;

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1;
    }

    @Override
    public <ReqT, RespT> AuthExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new AuthExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable t, ServerCall<ReqT, RespT> call, Metadata metadata) {
                if (handlesException(t)) {
                    call.close(status(t), new Metadata());
                } else {
                    super.handleException(t, call, metadata);
                }
            }
        };
    }

    @Override
    public boolean handlesException(Throwable t) {
        return t instanceof AuthenticationException || t instanceof UnauthorizedException
                || t instanceof ForbiddenException;
    }

    @Override
    public StatusException transformToStatusException(Throwable t) {
        return new StatusException(status(t));
    }

    Status status(Throwable t) {
        if (t instanceof UnauthorizedException) { // anonymous caller of a protected RPC
            return Status.UNAUTHENTICATED.withDescription("authentication required: send "
                    + settings.acceptedCredentials());
        }
        if (t instanceof AuthenticationException) { // a credential was sent and refused
            return Status.UNAUTHENTICATED.withDescription("the credential was refused (invalid, expired or not "
                    + "for this service); accepted: " + settings.acceptedCredentials());
        }
        return Status.PERMISSION_DENIED.withDescription(ROLE_MARKER);
    }
}

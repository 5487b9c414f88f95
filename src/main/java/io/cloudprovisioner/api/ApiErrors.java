package io.cloudprovisioner.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Builds the API's errors: canonical gRPC codes with {@code google.rpc} details in the {@code grpc-status-details-bin}
 * trailer (BadRequest field violations, PreconditionFailure, ErrorInfo, ResourceInfo). Every error carries an
 * ErrorInfo with domain {@value #DOMAIN} and a stable reason. Unexpected exceptions become INTERNAL with a reference
 * id that is logged with the stack trace; their text never reaches the caller.
 */
public final class ApiErrors {
    public static final String DOMAIN = "cloudprovisioner.io";
    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /** One bad field: its path (e.g. "spec.cpu") and what is wrong with it. */
    public record Violation(String field, String description) {
    }

    public static StatusRuntimeException invalidArgument(List<Violation> violations) {
        BadRequest.Builder br = BadRequest.newBuilder();
        StringBuilder msg = new StringBuilder("invalid request: ");
        for (int i = 0; i < violations.size(); i++) {
            Violation v = violations.get(i);
            br.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(v.field())
                    .setDescription(v.description()));
            if (i > 0) {
                msg.append("; ");
            }
            msg.append(v.field()).append(": ").append(v.description());
        }
        return build(Code.INVALID_ARGUMENT, msg.toString(), "INVALID_ARGUMENT", Map.of(), Any.pack(br.build()));
    }

    public static StatusRuntimeException invalidArgument(String field, String description) {
        return invalidArgument(List.of(new Violation(field, description)));
    }

    /**
     * Something must be configured first.
     *
     * @param type e.g. "CREDENTIALS", "TEE"
     * @param subject what it applies to, e.g. "provider/digitalocean"
     */
    public static StatusRuntimeException failedPrecondition(String message, String reason,
            List<PreconditionFailure.Violation> violations, Map<String, String> metadata) {
        PreconditionFailure pf = PreconditionFailure.newBuilder().addAllViolations(violations).build();
        return build(Code.FAILED_PRECONDITION, message, reason, metadata, Any.pack(pf));
    }

    public static PreconditionFailure.Violation precondition(String type, String subject, String description) {
        return PreconditionFailure.Violation.newBuilder().setType(type).setSubject(subject)
                .setDescription(description).build();
    }

    public static StatusRuntimeException notFound(String message, String reason, String resourceType,
            String resourceName, Map<String, String> metadata) {
        ResourceInfo ri = ResourceInfo.newBuilder().setResourceType(resourceType).setResourceName(resourceName)
                .setDescription(message).build();
        return build(Code.NOT_FOUND, message, reason, metadata, Any.pack(ri));
    }

    public static StatusRuntimeException unimplemented(String message, String reason, Map<String, String> metadata) {
        return build(Code.UNIMPLEMENTED, message, reason, metadata);
    }

    public static StatusRuntimeException build(Code code, String message, String reason,
            Map<String, String> metadata, Any... details) {
        ErrorInfo info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).putAllMetadata(metadata).build();
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
                .setMessage(message).addDetails(Any.pack(info));
        for (Any d : details) {
            status.addDetails(d);
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /**
     * Runs a unary call's work: refuses it when the caller's deadline has already passed, passes API errors
     * through, and turns anything unexpected into INTERNAL without its text.
     */
    public static <T> Uni<T> unary(String method, Supplier<T> work) {
        return unary(method, work, null);
    }

    /** As {@link #unary(String, Supplier)}, running the work on {@code executor} when it is not null. */
    public static <T> Uni<T> unary(String method, Supplier<T> work, java.util.concurrent.Executor executor) {
        Deadline deadline = Context.current().getDeadline();
        Uni<T> uni = Uni.createFrom().item(() -> {
            if (deadline != null && deadline.isExpired()) {
                throw build(Code.DEADLINE_EXCEEDED, method + ": the caller's deadline passed before the call ran",
                        "DEADLINE_EXCEEDED", Map.of());
            }
            try {
                return work.get();
            } catch (StatusRuntimeException e) {
                throw e;
            } catch (io.cloudprovisioner.provider.ProviderException e) {
                throw ProviderErrors.toStatus(e); // e.g. a look-up in the cloud before a retry, or a reconcile
            } catch (io.cloudprovisioner.ledger.LedgerException e) {
                String ref = UUID.randomUUID().toString();
                LOG.errorf(e, "%s: the ledger database failed (reference %s)", method, ref);
                throw build(Code.UNAVAILABLE, method + ": the ledger database is unavailable; nothing was sent to a "
                        + "cloud after the failure; retry with the same client_request_id (reference " + ref + ")",
                        "LEDGER_UNAVAILABLE", Map.of("reference", ref));
            } catch (RuntimeException e) {
                String ref = UUID.randomUUID().toString();
                LOG.errorf(e, "%s failed unexpectedly (reference %s)", method, ref);
                throw build(Code.INTERNAL, method + " failed unexpectedly; reference " + ref, "INTERNAL",
                        Map.of("reference", ref));
            }
        });
        return executor == null ? uni : uni.runSubscriptionOn(executor);
    }
}

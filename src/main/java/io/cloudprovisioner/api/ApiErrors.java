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
 *
 * <p>Every error is bounded here, whatever its cause: at most {@value #MAX_VIOLATIONS} violations per list (then one
 * saying how many more were left out), texts of at most {@value #MAX_TEXT} characters, a message of at most
 * {@value #MAX_MESSAGE_BYTES} UTF-8 bytes, and the whole serialized Status below {@value #MAX_STATUS_BYTES} bytes.
 */
public final class ApiErrors {
    public static final String DOMAIN = "cloudprovisioner.io";
    private static final Logger LOG = Logger.getLogger(ApiErrors.class);
    /** At most this many violations per list detail (BadRequest, PreconditionFailure, QuotaFailure) ... */
    public static final int MAX_VIOLATIONS = 20;
    /** ... then one more entry saying how many were left out. Each text (path, description, value) is cut here. */
    public static final int MAX_TEXT = 256;
    /** The status message, in UTF-8 bytes (it also travels percent-encoded in grpc-message). */
    public static final int MAX_MESSAGE_BYTES = 512;
    /**
     * The serialized google.rpc.Status with its details stays below this (base64 in grpc-status-details-bin: under
     * 5.5 KiB), so that every trailer fits grpc-java's default 8 KiB metadata limit and grpc-js does not stall.
     */
    public static final int MAX_STATUS_BYTES = 4096;
    /** What the listed violations of one detail may take, so that the message and ErrorInfo still fit. */
    private static final int LIST_BUDGET_BYTES = 2560;
    private static final int MAX_METADATA = 16;

    private ApiErrors() {
    }

    /** One bad field: its path (e.g. "spec.cpu") and what is wrong with it. */
    public record Violation(String field, String description) {
    }

    public static StatusRuntimeException invalidArgument(List<Violation> violations) {
        BadRequest.Builder br = BadRequest.newBuilder();
        for (Violation v : violations) {
            br.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(text(v.field()))
                    .setDescription(text(v.description())));
        }
        BadRequest bounded = bound(br.build());
        int listed = Math.min(bounded.getFieldViolationsCount(), violations.size());
        StringBuilder msg = new StringBuilder("invalid request: ");
        int shown = 0;
        for (int i = 0; i < listed; i++) {
            Violation v = violations.get(i);
            String part = (i > 0 ? "; " : "") + v.field() + ": " + v.description();
            if (utf8(msg) + utf8(part) > MAX_MESSAGE_BYTES - 32) {
                break;
            }
            msg.append(part);
            shown++;
        }
        if (shown < violations.size()) {
            msg.append(shown > 0 ? "; and " : "").append(violations.size() - shown)
                    .append(shown > 0 ? " more" : " invalid fields");
        }
        return assemble(Code.INVALID_ARGUMENT, msg.toString(), "INVALID_ARGUMENT", Map.of(), List.of(Any.pack(bounded)));
    }

    /**
     * A request message that does not parse as the method's request type (truncated, invalid UTF-8 in a string, too
     * deep, ...), or a unary call with no message or more than one.
     */
    public static StatusRuntimeException malformedRequest(String messageType, String reason, String method) {
        return build(Code.INVALID_ARGUMENT, "request is not a valid " + messageType + ": " + reason,
                "MALFORMED_REQUEST", Map.of("method", method));
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
        List<Any> bounded = new java.util.ArrayList<>();
        for (Any d : details) {
            bounded.add(bound(d));
        }
        return assemble(code, message, reason, metadata, bounded);
    }

    /** The status from bounded details: the message and metadata are bounded here, then the total. */
    private static StatusRuntimeException assemble(Code code, String message, String reason,
            Map<String, String> metadata, List<Any> details) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason);
        metadata.entrySet().stream().limit(MAX_METADATA)
                .forEach(e -> info.putMetadata(cut(e.getKey(), 64), text(e.getValue())));
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
                .setMessage(message(message)).addDetails(Any.pack(info.build()));
        status.addAllDetails(details);
        // The parts are bounded; should they still add up to too much, the extra details go first (ErrorInfo stays).
        while (status.build().getSerializedSize() >= MAX_STATUS_BYTES && status.getDetailsCount() > 1) {
            status.removeDetails(status.getDetailsCount() - 1);
        }
        if (status.build().getSerializedSize() >= MAX_STATUS_BYTES) {
            status.setMessage(cutUtf8(status.getMessage(), 128));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /** Bounds the list details this API sends; other details pass as they are (the total is bounded in build). */
    static Any bound(Any detail) {
        try {
            if (detail.is(BadRequest.class)) {
                return Any.pack(bound(detail.unpack(BadRequest.class)));
            }
            if (detail.is(PreconditionFailure.class)) {
                PreconditionFailure pf = detail.unpack(PreconditionFailure.class);
                PreconditionFailure.Builder b = PreconditionFailure.newBuilder();
                int n = listed(pf.getViolationsList().stream().map(v -> PreconditionFailure.Violation.newBuilder()
                        .setType(text(v.getType())).setSubject(text(v.getSubject()))
                        .setDescription(text(v.getDescription())).build()).toList(), b::addViolations);
                if (n < pf.getViolationsCount()) {
                    b.addViolations(PreconditionFailure.Violation.newBuilder()
                            .setDescription(omitted(pf.getViolationsCount() - n)));
                }
                return Any.pack(b.build());
            }
            if (detail.is(com.google.rpc.QuotaFailure.class)) {
                com.google.rpc.QuotaFailure qf = detail.unpack(com.google.rpc.QuotaFailure.class);
                com.google.rpc.QuotaFailure.Builder b = com.google.rpc.QuotaFailure.newBuilder();
                int n = listed(qf.getViolationsList().stream().map(v -> v.toBuilder().setSubject(text(v.getSubject()))
                        .setDescription(text(v.getDescription())).build()).toList(), b::addViolations);
                if (n < qf.getViolationsCount()) {
                    b.addViolations(com.google.rpc.QuotaFailure.Violation.newBuilder()
                            .setDescription(omitted(qf.getViolationsCount() - n)));
                }
                return Any.pack(b.build());
            }
            if (detail.is(ResourceInfo.class)) {
                ResourceInfo ri = detail.unpack(ResourceInfo.class);
                return Any.pack(ResourceInfo.newBuilder().setResourceType(text(ri.getResourceType()))
                        .setResourceName(text(ri.getResourceName())).setOwner(text(ri.getOwner()))
                        .setDescription(text(ri.getDescription())).build());
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("an error detail that does not parse as its own type", e);
        }
        return detail;
    }

    static BadRequest bound(BadRequest br) {
        BadRequest.Builder b = BadRequest.newBuilder();
        int n = listed(br.getFieldViolationsList().stream().map(v -> v.toBuilder().setField(text(v.getField()))
                .setDescription(text(v.getDescription())).build()).toList(), b::addFieldViolations);
        if (n < br.getFieldViolationsCount()) {
            b.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("")
                    .setDescription(omitted(br.getFieldViolationsCount() - n)));
        }
        return b.build();
    }

    /** Adds entries while there are at most MAX_VIOLATIONS and they fit the budget; returns how many were added. */
    private static <T extends com.google.protobuf.MessageLite> int listed(List<T> entries,
            java.util.function.Consumer<T> add) {
        int bytes = 0;
        int n = 0;
        for (T e : entries) {
            int size = com.google.protobuf.CodedOutputStream.computeMessageSize(1, e);
            if (n == MAX_VIOLATIONS || bytes + size > LIST_BUDGET_BYTES) {
                break;
            }
            add.accept(e);
            bytes += size;
            n++;
        }
        return n;
    }

    private static String omitted(int n) {
        return n + (n == 1 ? " more violation is" : " more violations are") + " not listed";
    }

    /** A text of at most MAX_TEXT characters. */
    static String text(String s) {
        return cut(s, MAX_TEXT);
    }

    /** At most {@code max} characters, never splitting a surrogate pair, with "..." when cut. */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 3;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }

    static String message(String s) {
        return cutUtf8(s, MAX_MESSAGE_BYTES);
    }

    /** At most {@code max} bytes of UTF-8, cut at a character boundary with "..." when cut. */
    private static String cutUtf8(String s, int max) {
        if (utf8(s) <= max) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > max - 3) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i) + "...";
    }

    private static int utf8(CharSequence s) {
        return s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
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
        Context call = Context.current();
        Deadline deadline = call.getDeadline();
        Uni<T> uni = Uni.createFrom().item(() -> {
            Context previous = call.attach(); // the call's context (its caller) on whichever thread runs the work
            try (CallMdc mdc = CallMdc.enter()) {
                return run(method, work, deadline);
            } finally {
                call.detach(previous);
            }
        });
        Uni<T> placed = executor == null ? uni : uni.runSubscriptionOn(executor);
        // the work runs once the caller's identity is known (CallerInterceptor)
        return Uni.createFrom().completionStage(CallerInterceptor.known()).chain(() -> placed);
    }

    private static <T> T run(String method, Supplier<T> work, Deadline deadline) {
        {
            if (deadline != null && deadline.isExpired()) {
                throw build(Code.DEADLINE_EXCEEDED, method + ": the caller's deadline passed before the call ran",
                        "DEADLINE_EXCEEDED", Map.of());
            }
            try {
                return work.get();
            } catch (StatusRuntimeException e) {
                throw e;
            } catch (io.cloudprovisioner.provisioning.ProvisioningException e) {
                throw ProvisioningErrors.toStatus(e);
            } catch (io.cloudprovisioner.quota.QuotaException e) {
                throw ProvisioningErrors.toStatus(e);
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
        }
    }
}

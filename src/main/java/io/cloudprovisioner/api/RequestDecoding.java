package io.cloudprovisioner.api;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The wire side of the API's services (each service's {@code bindService()} passes its definition through
 * {@link #guard}):
 * <ul>
 * <li>Request messages are decoded here instead of in the transport. On Quarkus's unified (Vert.x) server a payload
 * that does not parse is dropped by the transport and the call then fails INTERNAL ("Half-closed without a
 * request"); a ServerInterceptor never sees it. Here every method's request marshaller turns a parse failure into a
 * value, and the handler answers it INVALID_ARGUMENT "request is not a valid &lt;Message&gt;: &lt;parser's reason&gt;"
 * (ErrorInfo reason MALFORMED_REQUEST) with one rate-limited WARN line and no stack trace. A unary or
 * server-streaming call with no request message or more than one is answered the same way (not INTERNAL).</li>
 * <li>The services' proto files are served by reflection with {@code google/rpc/status.proto} and
 * {@code google/rpc/error_details.proto} as extra dependencies, so that reflection clients (grpcurl) can decode the
 * error details this API sends (BadRequest, ErrorInfo, PreconditionFailure, QuotaFailure, RetryInfo,
 * ResourceInfo).</li>
 * </ul>
 * Messages over the inbound limit ({@code quarkus.grpc.server.max-inbound-message-size}) never get here: the
 * transport refuses them with RESOURCE_EXHAUSTED from their length prefix, before buffering them.
 */
public final class RequestDecoding {
    private static final Logger LOG = Logger.getLogger(RequestDecoding.class);
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final RateLimitedLog MALFORMED = new RateLimitedLog(LOG, LOG_INTERVAL, "malformed requests");
    private static final int MAX_REASON = 200;
    /** The error types this API sends, which reflection serves beside every service file. */
    private static final List<FileDescriptor> ERROR_TYPES = List.of(com.google.rpc.StatusProto.getDescriptor(),
            com.google.rpc.ErrorDetailsProto.getDescriptor());
    private static final Map<String, FileDescriptor> WITH_ERROR_TYPES = new ConcurrentHashMap<>();

    private RequestDecoding() {
    }

    /** {@code service} with requests decoded by this class and its proto file served with the error types. */
    public static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor sd = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            methods.add(guard(m));
        }
        ServiceDescriptor.Builder desc = ServiceDescriptor.newBuilder(sd.getName())
                .setSchemaDescriptor(withErrorTypes(sd.getName(), sd.getSchemaDescriptor()));
        methods.forEach(m -> desc.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(desc.build());
        methods.forEach(out::addMethod);
        return out.build();
    }

    private static <Q, R> ServerMethodDefinition<Object, R> guard(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> md = m.getMethodDescriptor();
        MethodDescriptor<Object, R> wire = md.toBuilder(new Decoder<>(md.getRequestMarshaller()),
                md.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(wire, new Handler<>(md, m.getServerCallHandler()));
    }

    /** The full name of a method's request message, e.g. "cloudprovisioner.v1.MapInstanceTypeRequest". */
    static String requestType(MethodDescriptor<?, ?> md) {
        if (md.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                && p.getMessagePrototype() instanceof com.google.protobuf.Message msg) {
            return msg.getDescriptorForType().getFullName();
        }
        return md.getFullMethodName() + " request";
    }

    /** What the parser said, without the wrapping ("Invalid protobuf byte sequence") and bounded. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException && t.getMessage() != null) {
                return bounded(t.getMessage());
            }
        }
        if (e instanceof StatusRuntimeException s && s.getStatus().getDescription() != null) {
            return bounded(s.getStatus().getDescription());
        }
        return bounded(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    private static String bounded(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return ApiErrors.cut(one, MAX_REASON);
    }

    private static Object withErrorTypes(String serviceName, Object schema) {
        if (!(schema instanceof ProtoServiceDescriptorSupplier s)) {
            return schema;
        }
        FileDescriptor file = WITH_ERROR_TYPES.computeIfAbsent(s.getFileDescriptor().getName(),
                n -> addDependencies(s.getFileDescriptor(), ERROR_TYPES));
        String simple = serviceName.substring(serviceName.lastIndexOf('.') + 1);
        return new Schema(file, file.findServiceByName(simple));
    }

    /** {@code file} with {@code extra} added to its dependencies (those it does not have already). */
    static FileDescriptor addDependencies(FileDescriptor file, List<FileDescriptor> extra) {
        FileDescriptorProto.Builder proto = file.toProto().toBuilder();
        List<FileDescriptor> deps = new ArrayList<>(file.getDependencies());
        for (FileDescriptor d : extra) {
            if (!proto.getDependencyList().contains(d.getName())) {
                proto.addDependency(d.getName());
                deps.add(d);
            }
        }
        try {
            return FileDescriptor.buildFrom(proto.build(), deps.toArray(new FileDescriptor[0]));
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException(file.getName() + " with the google.rpc error types does not build", e);
        }
    }

    /** Reflection's view of a service: its file (with the error types) and its descriptor in that file. */
    private record Schema(FileDescriptor file, com.google.protobuf.Descriptors.ServiceDescriptor service)
            implements ProtoServiceDescriptorSupplier {
        @Override
        public FileDescriptor getFileDescriptor() {
            return file;
        }

        @Override
        public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
            return service;
        }
    }

    /** A request that did not parse, and the parser's reason. */
    record Malformed(String reason) {
    }

    /** The method's own marshaller, with a parse failure returned as {@link Malformed} instead of thrown. */
    private record Decoder<Q>(MethodDescriptor.Marshaller<Q> marshaller) implements MethodDescriptor.Marshaller<Object> {
        @Override
        @SuppressWarnings("unchecked")
        public InputStream stream(Object value) {
            if (value instanceof Malformed) {
                throw new IllegalArgumentException("a malformed request is never sent");
            }
            return marshaller.stream((Q) value);
        }

        @Override
        public Object parse(InputStream stream) {
            try {
                return marshaller.parse(stream);
            } catch (RuntimeException e) {
                return new Malformed(reason(e));
            }
        }
    }

    private record Handler<Q, R>(MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> next)
            implements ServerCallHandler<Object, R> {
        @Override
        public ServerCall.Listener<Object> startCall(ServerCall<Object, R> call, Metadata headers) {
            ServerCall.Listener<Q> inner = next.startCall(new TypedCall<>(call, method), headers);
            return new Guard<>(call, inner, method);
        }
    }

    /** Passes well-formed requests on; answers malformed ones, and a wrong number of messages, itself. */
    private static final class Guard<Q, R> extends ServerCall.Listener<Object> {
        private final ServerCall<Object, R> call;
        private final ServerCall.Listener<Q> inner;
        private final MethodDescriptor<Q, R> method;
        private boolean received;
        private boolean refused;

        Guard(ServerCall<Object, R> call, ServerCall.Listener<Q> inner, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.inner = inner;
            this.method = method;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Object message) {
            if (refused) {
                return;
            }
            if (message instanceof Malformed m) {
                refuse(m.reason());
            } else if (received && method.getType().clientSendsOneMessage()) {
                refuse("a " + kind() + " call carries one request message, and a second one arrived");
            } else {
                received = true;
                inner.onMessage((Q) message);
            }
        }

        @Override
        public void onHalfClose() {
            if (refused) {
                return;
            }
            if (!received && method.getType().clientSendsOneMessage()) {
                refuse("the call ended without a request message");
            } else {
                inner.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            inner.onCancel();
        }

        @Override
        public void onComplete() {
            inner.onComplete();
        }

        @Override
        public void onReady() {
            if (!refused) {
                inner.onReady();
            }
        }

        private String kind() {
            return method.getType() == MethodDescriptor.MethodType.UNARY ? "unary" : "server-streaming";
        }

        private void refuse(String reason) {
            refused = true;
            StatusRuntimeException e = ApiErrors.malformedRequest(requestType(method), reason,
                    method.getFullMethodName());
            MALFORMED.warn("refused a malformed request to " + method.getFullMethodName() + ": "
                    + ApiErrors.cut(reason, 100));
            try {
                call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
            } catch (IllegalStateException alreadyClosed) {
                // the client went away meanwhile; nothing to answer
            }
        }
    }

    /** The transport's call as the method's typed call (the handler and interceptors see the real descriptor). */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<Object, R> wire;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<Object, R> wire, MethodDescriptor<Q, R> method) {
            this.wire = wire;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            wire.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            wire.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            wire.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return wire.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            wire.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return wire.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            wire.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            wire.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            wire.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return wire.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return wire.getAttributes();
        }

        @Override
        public String getAuthority() {
            return wire.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}

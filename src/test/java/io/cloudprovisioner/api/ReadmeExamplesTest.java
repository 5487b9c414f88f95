package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every grpcurl example of README.md the way grpcurl would: the JSON body is parsed against the method's input
 * type (proto JSON, field names as in the .proto) and sent as a dynamic message. An example ending in
 * {@code # expect: CODE} must fail with that code; every other example must succeed. grpcurl itself is a Go binary
 * that no registry reachable here serves, so this test stands in for running it.
 */
@QuarkusTest
public class ReadmeExamplesTest {
    private static final Pattern BODY = Pattern.compile("-d\\s+'([^']*)'");
    private static final Pattern EXPECT = Pattern.compile("#\\s*expect:\\s*([A-Z_]+)");
    ManagedChannel channel;

    @BeforeEach
    void open() {
        channel = GrpcTestSupport.channel();
    }

    @AfterEach
    void close() throws InterruptedException {
        GrpcTestSupport.close(channel);
    }

    static List<String> examples() throws Exception {
        Path readme = Path.of("README.md");
        List<String> out = new ArrayList<>();
        boolean inCode = false;
        StringBuilder cmd = null;
        for (String line : Files.readAllLines(readme)) {
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (!inCode) {
                continue;
            }
            String t = line.strip();
            if (cmd == null && t.startsWith("grpcurl ")) {
                cmd = new StringBuilder();
            }
            if (cmd != null) {
                if (t.endsWith("\\")) {
                    cmd.append(t, 0, t.length() - 1).append(' ');
                } else {
                    cmd.append(t);
                    out.add(cmd.toString());
                    cmd = null;
                }
            }
        }
        return out;
    }

    @Test
    void everyGrpcurlExampleInTheReadmeWorks() throws Exception {
        List<String> examples = examples();
        assertTrue(examples.size() >= 8, "README has grpcurl examples: " + examples.size());
        List<Descriptors.FileDescriptor> files = List.of(
                io.cloudprovisioner.api.v1.CatalogServiceProto.getDescriptor(),
                io.cloudprovisioner.api.v1.ProvisioningServiceProto.getDescriptor(),
                io.cloudprovisioner.api.v1.BlueprintServiceProto.getDescriptor(),
                io.grpc.health.v1.HealthProto.getDescriptor());
        int ran = 0;
        for (String example : examples) {
            boolean tls = example.contains("-cacert ");
            assertTrue((example.contains("-plaintext") || tls) && example.contains("127.0.0.1:9000"),
                    "examples address the default loopback port: " + example);
            String[] words = example.replaceAll("#.*$", "").replaceAll("-d\\s+'[^']*'", "").trim().split("\\s+");
            String last = words[words.length - 1];
            if (last.equals("list") || last.equals("127.0.0.1:9000") || words[words.length - 2].equals("list")
                    || words[words.length - 2].equals("describe")) {
                continue; // reflection listing, covered by ServerConventionsTest
            }
            String service = last.substring(0, last.indexOf('/'));
            String method = last.substring(last.indexOf('/') + 1);
            Descriptors.MethodDescriptor md = files.stream().flatMap(f -> f.getServices().stream())
                    .filter(s -> s.getFullName().equals(service)).findFirst()
                    .orElseThrow(() -> new AssertionError("unknown service in README: " + example))
                    .findMethodByName(method);
            assertTrue(md != null, "unknown method in README: " + example);
            if (tls) {
                continue; // the TLS examples name real methods; TlsIT makes the same calls over TLS
            }
            DynamicMessage.Builder body = DynamicMessage.newBuilder(md.getInputType());
            Matcher m = BODY.matcher(example);
            if (m.find()) {
                JsonFormat.parser().merge(m.group(1), body);
            }
            Matcher expect = EXPECT.matcher(example);
            String expected = expect.find() ? expect.group(1) : "OK";
            String got;
            String detail = "";
            try {
                if (md.isServerStreaming()) {
                    ClientCalls.blockingServerStreamingCall(channel, descriptor(md),
                            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), body.build())
                            .forEachRemaining(r -> assertFalse(r.getAllFields().isEmpty()));
                } else {
                    DynamicMessage r = ClientCalls.blockingUnaryCall(channel, descriptor(md),
                            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), body.build());
                    assertFalse(r.getAllFields().isEmpty(), "empty answer to " + example);
                }
                got = "OK";
            } catch (StatusRuntimeException e) {
                got = e.getStatus().getCode().name();
                detail = " (" + e.getStatus().getDescription() + ")";
            }
            assertEquals(expected, got, example + detail);
            ran++;
        }
        assertTrue(ran >= 6, "ran " + ran);
    }

    private static MethodDescriptor<DynamicMessage, DynamicMessage> descriptor(Descriptors.MethodDescriptor md) {
        return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(md.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING
                        : MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(md.getService().getFullName(),
                        md.getName()))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(md.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(md.getOutputType())))
                .build();
    }
}

package io.cloudprovisioner.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every error ApiErrors builds is bounded, whatever it is given. */
class ApiErrorsTest {
    static com.google.rpc.Status status(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e);
    }

    static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) throws Exception {
        for (Any a : status(e).getDetailsList()) {
            if (a.is(type)) {
                return a.unpack(type);
            }
        }
        throw new AssertionError("no " + type.getSimpleName());
    }

    @Test
    void hundredsOfViolationsAreCutToTwentyAndACount() throws Exception {
        List<ApiErrors.Violation> vs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            vs.add(new ApiErrors.Violation("spec.tee_technologies[" + i + "]", "unknown TEE technology"));
        }
        StatusRuntimeException e = ApiErrors.invalidArgument(vs);
        BadRequest br = detail(e, BadRequest.class);
        assertEquals(21, br.getFieldViolationsCount());
        assertEquals("spec.tee_technologies[19]", br.getFieldViolations(19).getField());
        assertEquals("480 more violations are not listed", br.getFieldViolations(20).getDescription());
        assertTrue(status(e).getSerializedSize() < ApiErrors.MAX_STATUS_BYTES);
        assertTrue(e.getStatus().getDescription().endsWith(" more"), e.getStatus().getDescription());
    }

    @Test
    void longTextsAreCutAndTheWholeStaysUnderFourKiB() throws Exception {
        String huge = "é".repeat(10_000) + "😀".repeat(1000);
        List<ApiErrors.Violation> vs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            vs.add(new ApiErrors.Violation("labels[" + huge + "]", huge));
        }
        StatusRuntimeException e = ApiErrors.invalidArgument(vs);
        com.google.rpc.Status s = status(e);
        assertTrue(s.getSerializedSize() < ApiErrors.MAX_STATUS_BYTES, s.getSerializedSize() + " bytes");
        assertTrue(s.getMessage().getBytes(StandardCharsets.UTF_8).length <= ApiErrors.MAX_MESSAGE_BYTES);
        BadRequest br = detail(e, BadRequest.class);
        assertTrue(br.getFieldViolationsCount() < 21, "the byte budget lists fewer than 20 long violations");
        assertTrue(br.getFieldViolations(br.getFieldViolationsCount() - 1).getDescription()
                .endsWith("not listed"));
        for (BadRequest.FieldViolation v : br.getFieldViolationsList()) {
            assertTrue(v.getField().length() <= ApiErrors.MAX_TEXT && v.getDescription().length() <= ApiErrors.MAX_TEXT);
        }
    }

    @Test
    void preconditionAndQuotaFailuresAndMetadataAreBoundedToo() throws Exception {
        List<PreconditionFailure.Violation> pv = new ArrayList<>();
        QuotaFailure.Builder qf = QuotaFailure.newBuilder();
        for (int i = 0; i < 100; i++) {
            pv.add(ApiErrors.precondition("CREDENTIALS", "provider/p" + i, "x".repeat(1000)));
            qf.addViolations(QuotaFailure.Violation.newBuilder().setSubject("s" + i).setDescription("q"));
        }
        StatusRuntimeException e = ApiErrors.failedPrecondition("m".repeat(5000), "R", pv,
                Map.of("attempts", "a".repeat(5000)));
        PreconditionFailure pf = detail(e, PreconditionFailure.class);
        assertTrue(pf.getViolationsCount() <= ApiErrors.MAX_VIOLATIONS + 1);
        assertTrue(pf.getViolations(pf.getViolationsCount() - 1).getDescription().endsWith("not listed"));
        assertEquals(ApiErrors.MAX_TEXT, detail(e, ErrorInfo.class).getMetadataOrThrow("attempts").length());
        assertTrue(status(e).getSerializedSize() < ApiErrors.MAX_STATUS_BYTES);

        StatusRuntimeException q = ApiErrors.build(Code.RESOURCE_EXHAUSTED, "quota", "QUOTA", Map.of(),
                Any.pack(qf.build()));
        QuotaFailure bounded = detail(q, QuotaFailure.class);
        assertEquals(21, bounded.getViolationsCount());
        assertEquals("80 more violations are not listed", bounded.getViolations(20).getDescription());
    }

    @Test
    void manyDetailsDropTheExtrasButKeepErrorInfo() throws Exception {
        Any[] details = new Any[10];
        for (int i = 0; i < details.length; i++) {
            details[i] = Any.pack(com.google.rpc.DebugInfo.newBuilder().setDetail("d".repeat(1000)).build());
        }
        StatusRuntimeException e = ApiErrors.build(Code.INTERNAL, "boom", "INTERNAL", Map.of(), details);
        com.google.rpc.Status s = status(e);
        assertTrue(s.getSerializedSize() < ApiErrors.MAX_STATUS_BYTES);
        assertTrue(s.getDetails(0).is(ErrorInfo.class));
        assertTrue(s.getDetailsCount() < 11);
    }

    @Test
    void cuttingNeverSplitsASurrogatePair() {
        String s = "a".repeat(60) + "😀😀😀";
        for (int max = 4; max < s.length(); max++) {
            String c = ApiErrors.cut(s, max);
            assertTrue(c.length() <= max);
            assertFalse(Character.isHighSurrogate(c.charAt(c.length() - 4)) && c.endsWith("...")
                    && !Character.isLowSurrogate(c.charAt(c.length() - 3)), c);
            assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(c), "ill-formed UTF-16 at max " + max);
        }
    }
}

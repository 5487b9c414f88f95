package io.cloudprovisioner.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two requests "the same" for idempotency: SHA-256 of the request's deterministic protobuf encoding
 * (map entries sorted), taken without its client request id. Also the request as canonical JSON for the ledger.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    public static String of(Message withoutId) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            withoutId.writeTo(out);
            out.flush();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String json(Message withoutId) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(withoutId);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.cloudprovisioner.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generates hostile requests for any RPC from its descriptor alone (so every new RPC is covered without a line
 * here): random valid messages, mutated ones, boundary and huge values, repeated fields with thousands of entries,
 * invalid UTF-8 in strings, random bytes, truncated messages, deeply nested unknown groups, messages over the
 * inbound limit, and calls with no or two messages. Deterministic for a seed.
 */
public final class RequestFuzzer {
    /** The inbound limit the server is configured with (application.properties). */
    public static final int INBOUND_LIMIT = 4 << 20;

    public enum Kind {
        VALID, MUTATED, BOUNDARY, LONG_REPEATED, HUGE_STRING, OVER_LIMIT, INVALID_UTF8, RANDOM_BYTES, TRUNCATED,
        DEEP_GROUPS, NO_MESSAGE, TWO_MESSAGES
    }

    private static final Kind[] KINDS = Kind.values();
    /** Relative weights, in the order of {@link Kind}. */
    private static final double[] WEIGHTS = {8, 25, 12, 8, 1, 0.3, 10, 12, 10, 5, 2, 3};

    /** One generated call: its request messages (none, one or two). */
    public record Request(MethodDescriptor method, Kind kind, List<byte[]> messages) {
        public int bytes() {
            return messages.stream().mapToInt(m -> m.length).sum();
        }
    }

    static final String[] STRINGS = {"", "us-east-1", "eastus", "nyc1", "ewr", "us-central1", "us-central1-a",
        "m5.large", "t3", "vc2-1c-1gb", "s-1vcpu-1gb", "n2-standard-4", "Standard_D2s_v5", "a", "A B", " spaced ",
        "ü€😀", "../../etc/passwd", "%s%n%x", "\u0000", "\t\n\r", "null", "-1", "NaN", "managed-by", "x".repeat(64),
        "y".repeat(65), "z".repeat(300), "CLOUD_PROVIDER_AWS", "*", "'; DROP TABLE x; --", "\u202e\u200b"};
    static final double[] DOUBLES = {0, -0.0, 1, 2, 4, 0.5, 0.1, 0.09, 16, 1024, 1025, 32768, 65536, 1e6, 1e308,
        -1, -1e308, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.999, 1.5};
    static final long[] LONGS = {0, 1, -1, 2, 3, 7, 8, 9, 10, 11, 20, 21, 100, 101, 1000, 65535, 65536,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};

    private final Random rnd;

    public RequestFuzzer(long seed) {
        this.rnd = new Random(seed);
    }

    public Kind kind() {
        double total = Arrays.stream(WEIGHTS).sum();
        double r = rnd.nextDouble() * total;
        for (int i = 0; i < KINDS.length; i++) {
            r -= WEIGHTS[i];
            if (r < 0) {
                return KINDS[i];
            }
        }
        return Kind.MUTATED;
    }

    public Request next(MethodDescriptor m) {
        return next(m, kind());
    }

    public Request next(MethodDescriptor m, Kind kind) {
        Descriptor type = m.getInputType();
        byte[] one = switch (kind) {
            case VALID -> fill(type, 0, false).toByteArray();
            case MUTATED -> mutate(fill(type, 0, false).toByteArray());
            case BOUNDARY -> fill(type, 0, true).toByteArray();
            case LONG_REPEATED -> longRepeated(type);
            case HUGE_STRING -> hugeString(type);
            case OVER_LIMIT -> withUnknownBytes(new byte[0], INBOUND_LIMIT + 1 + rnd.nextInt(1000));
            case INVALID_UTF8 -> invalidUtf8(type);
            case RANDOM_BYTES -> randomBytes(rnd.nextInt(300));
            case TRUNCATED -> truncate(fill(type, 0, true).toByteArray());
            case DEEP_GROUPS -> deepGroups(new int[] {50, 99, 100, 101, 500, 5000}[rnd.nextInt(6)], rnd.nextBoolean());
            case NO_MESSAGE, TWO_MESSAGES -> fill(type, 0, false).toByteArray();
        };
        List<byte[]> messages = switch (kind) {
            case NO_MESSAGE -> List.of();
            case TWO_MESSAGES -> List.of(one, fill(type, 0, false).toByteArray());
            default -> List.of(one);
        };
        return new Request(m, kind, messages);
    }

    /** A message of {@code type} with random (or, with {@code boundary}, only extreme) values in its fields. */
    public DynamicMessage fill(Descriptor type, int depth, boolean boundary) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (FieldDescriptor f : type.getFields()) {
            if (!boundary && rnd.nextDouble() < 0.4) {
                continue;
            }
            if (f.isRepeated()) {
                int n = rnd.nextInt(boundary ? 6 : 3);
                for (int i = 0; i < n; i++) {
                    b.addRepeatedField(f, value(f, depth, boundary));
                }
            } else {
                b.setField(f, value(f, depth, boundary));
            }
        }
        return b.build();
    }

    private Object value(FieldDescriptor f, int depth, boolean boundary) {
        return switch (f.getJavaType()) {
            case INT -> (int) (boundary || rnd.nextBoolean() ? LONGS[rnd.nextInt(LONGS.length)] : rnd.nextInt(200));
            case LONG -> boundary || rnd.nextBoolean() ? LONGS[rnd.nextInt(LONGS.length)] : (long) rnd.nextInt(200);
            case FLOAT -> (float) DOUBLES[rnd.nextInt(DOUBLES.length)];
            case DOUBLE -> boundary || rnd.nextBoolean() ? DOUBLES[rnd.nextInt(DOUBLES.length)]
                    : rnd.nextDouble() * 64;
            case BOOLEAN -> rnd.nextBoolean();
            case STRING -> rnd.nextInt(10) == 0 ? randomText(rnd.nextInt(boundary ? 5000 : 100))
                    : STRINGS[rnd.nextInt(STRINGS.length)];
            case BYTE_STRING -> ByteString.copyFrom(randomBytes(rnd.nextInt(64)));
            case ENUM -> enumValue(f.getEnumType());
            case MESSAGE -> depth < 4 ? fill(f.getMessageType(), depth + 1, boundary && depth < 2)
                    : DynamicMessage.getDefaultInstance(f.getMessageType());
        };
    }

    private Object enumValue(EnumDescriptor e) {
        if (rnd.nextInt(5) == 0) {
            int n = (int) LONGS[rnd.nextInt(LONGS.length)];
            return e.findValueByNumberCreatingIfUnknown(n);
        }
        return e.getValues().get(rnd.nextInt(e.getValues().size()));
    }

    private String randomText(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int pick = rnd.nextInt(20);
            s.appendCodePoint(pick == 0 ? 0x1F600 + rnd.nextInt(50) : pick == 1 ? 0x00C0 + rnd.nextInt(200)
                    : 0x20 + rnd.nextInt(95));
        }
        return s.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private byte[] mutate(byte[] in) {
        byte[] b = in.length == 0 ? randomBytes(1 + rnd.nextInt(8)) : in.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits && b.length > 0; i++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
        }
        return b;
    }

    private byte[] truncate(byte[] b) {
        return b.length < 2 ? new byte[] {0x0a, 0x05} : Arrays.copyOf(b, rnd.nextInt(b.length));
    }

    /** Thousands of entries in the message's repeated fields (and in those of its direct sub-messages). */
    private byte[] longRepeated(Descriptor type) {
        DynamicMessage.Builder b = fill(type, 0, false).toBuilder();
        boolean any = repeatMany(b, type, 1000 + rnd.nextInt(4000));
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
                DynamicMessage.Builder sub = fill(f.getMessageType(), 1, false).toBuilder();
                if (repeatMany(sub, f.getMessageType(), 1000 + rnd.nextInt(4000))) {
                    b.setField(f, sub.build());
                    any = true;
                }
            }
        }
        return any ? b.build().toByteArray() : withUnknownBytes(b.build().toByteArray(), 1000);
    }

    private boolean repeatMany(DynamicMessage.Builder b, Descriptor type, int n) {
        boolean any = false;
        for (FieldDescriptor f : type.getFields()) {
            if (f.isRepeated()) {
                b.clearField(f);
                for (int i = 0; i < n; i++) {
                    b.addRepeatedField(f, f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                            ? fill(f.getMessageType(), 3, false) : value(f, 4, false));
                }
                any = true;
            }
        }
        return any;
    }

    private byte[] hugeString(Descriptor type) {
        int size = 100_000 + rnd.nextInt(3_000_000);
        DynamicMessage.Builder b = fill(type, 0, false).toBuilder();
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated()) {
                return b.setField(f, "h".repeat(size)).build().toByteArray();
            }
        }
        return withUnknownBytes(b.build().toByteArray(), size);
    }

    /** A string field (of the message or one level down) carrying bytes that are not UTF-8. */
    private byte[] invalidUtf8(Descriptor type) {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {'o', 'k', (byte) 0xC0, (byte) 0xAF}};
        byte[] value = bad[rnd.nextInt(bad.length)];
        byte[] base = fill(type, 0, false).toByteArray();
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
                return concat(base, field(f.getNumber(), value));
            }
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                for (FieldDescriptor g : f.getMessageType().getFields()) {
                    if (g.getJavaType() == FieldDescriptor.JavaType.STRING) {
                        return concat(base, field(f.getNumber(), field(g.getNumber(), value)));
                    }
                }
            }
        }
        return concat(base, randomBytes(8));
    }

    /** {@code depth} nested unknown groups (field 99), closed or left open. */
    static byte[] deepGroups(int depth, boolean closed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            for (int i = 0; i < depth; i++) {
                c.writeTag(99, WireFormat.WIRETYPE_START_GROUP);
            }
            if (closed) {
                for (int i = 0; i < depth; i++) {
                    c.writeTag(99, WireFormat.WIRETYPE_END_GROUP);
                }
            }
            c.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code message} followed by an unknown bytes field (number 1000) of {@code size} zero bytes. */
    static byte[] withUnknownBytes(byte[] message, int size) {
        return concat(message, field(1000, new byte[size]));
    }

    /** A length-delimited field. */
    static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 10);
        try {
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeByteArray(number, value);
            c.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Every method of the services whose full name starts with {@code prefix}, from their file descriptors. */
    public static List<MethodDescriptor> methods(List<com.google.protobuf.Descriptors.FileDescriptor> files,
            String prefix) {
        List<MethodDescriptor> out = new ArrayList<>();
        for (var f : files) {
            for (var s : f.getServices()) {
                if (s.getFullName().startsWith(prefix)) {
                    out.addAll(s.getMethods());
                }
            }
        }
        return out;
    }

    static String describe(byte[] b) {
        return b.length + " bytes" + (b.length <= 16 ? " " + new String(b, StandardCharsets.ISO_8859_1) : "");
    }
}

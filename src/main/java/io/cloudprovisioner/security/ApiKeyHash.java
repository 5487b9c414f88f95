package io.cloudprovisioner.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Salted hashes of API keys, as stored in the API-key file: {@code sha256:<salt hex>:<hash hex>} where hash =
 * SHA-256 of the UTF-8 text {@code <salt hex>:<key>}. Keys are random (32 bytes from {@link #newKey()}), so one
 * salted SHA-256 round is enough: there is no dictionary to try. The same hash in a shell:
 * {@code salt=$(openssl rand -hex 16); printf '%s' "$salt:$KEY" | sha256sum} gives the hash hex.
 *
 * <p>Run as a program it prints a new key and its file line:
 * {@code java -cp target/quarkus-app/app/cloud-provisioner-*.jar io.cloudprovisioner.security.ApiKeyHash alice operator}
 * (or {@code ... ApiKeyHash --hash KEY} to hash a key of one's own).
 */
public final class ApiKeyHash {
    private static final Pattern FORMAT = Pattern.compile("sha256:([0-9a-f]{16,128}):([0-9a-f]{64})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyHash() {
    }

    /** A new random key: "cpk_" and 43 URL-safe base64 characters (32 bytes). */
    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "cpk_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The stored form of {@code key} with a new random salt. */
    public static String hash(String key) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return hash(HexFormat.of().formatHex(salt), key);
    }

    static String hash(String saltHex, String key) {
        return "sha256:" + saltHex + ":" + HexFormat.of().formatHex(digest(saltHex + ":" + key));
    }

    /** Whether {@code stored} is a hash in the supported format. */
    public static boolean wellFormed(String stored) {
        return FORMAT.matcher(stored).matches();
    }

    /** Whether {@code key} hashes to {@code stored} (constant time in the key's content). */
    public static boolean matches(String stored, String key) {
        var m = FORMAT.matcher(stored);
        if (!m.matches()) {
            return false;
        }
        byte[] expected = HexFormat.of().parseHex(m.group(2));
        return MessageDigest.isEqual(expected, digest(m.group(1) + ":" + key));
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("--hash")) {
            System.out.println(hash(args[1]));
            return;
        }
        if (args.length != 2) {
            System.err.println("usage: ApiKeyHash PRINCIPAL ROLES   (prints a new key and its api-keys file line)");
            System.err.println("       ApiKeyHash --hash KEY        (prints the stored hash of KEY)");
            System.exit(2);
        }
        String key = newKey();
        System.out.println("key (give it to " + args[0] + "; it is not stored): " + key);
        System.out.println("api-keys file line: " + args[0] + " " + args[1] + " " + hash(key));
    }
}

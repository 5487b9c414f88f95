package io.cloudprovisioner.security;

import io.cloudprovisioner.api.CallerInterceptor.Caller;
import io.cloudprovisioner.ledger.LedgerRecord;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Who owns what. Ledger records belong to the principal that made them; client request ids are scoped per
 * principal: the ledger key (also the request label in the cloud, so instance names and labels of two principals
 * never meet) is the lower-cased id for the default owner (as before ownership existed, so older records and
 * instances keep their keys) and, for any other principal, a prefix derived from the principal's name, then the
 * id (or its digest when both would not fit the 63 characters a cloud label may have).
 */
@Singleton
public class Ownership {
    static final int MAX_KEY = 63;

    @Inject
    SecuritySettings settings;

    /** The ledger key of {@code clientRequestId} for {@code principal}. */
    public String key(String principal, String clientRequestId) {
        String id = clientRequestId.toLowerCase(Locale.ROOT);
        if (principal.equals(settings.defaultOwner())) {
            return id;
        }
        String prefix = "u" + hex(principal).substring(0, 12) + "-";
        String key = prefix + id;
        return key.length() <= MAX_KEY ? key : prefix + hex(id).substring(0, MAX_KEY - prefix.length());
    }

    /** Whether {@code caller} may see and act on {@code r}: its owner, or an admin. */
    public boolean mayTouch(Caller caller, LedgerRecord r) {
        return caller.admin() || caller.principal().equals(r.caller());
    }

    private static String hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

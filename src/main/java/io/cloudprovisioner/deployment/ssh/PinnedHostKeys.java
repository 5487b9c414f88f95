package io.cloudprovisioner.deployment.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * JSch's host-key check for one connection: trust on first use, recorded in a {@link HostKeyStore}, and every later
 * connection must present the same key (anything else answers CHANGED, which JSch refuses under strict checking).
 */
final class PinnedHostKeys implements HostKeyRepository {
    private final HostKeyStore store;
    private final SshTarget target;
    private volatile String presented;
    private volatile String pinned;

    PinnedHostKeys(HostKeyStore store, SshTarget target) {
        this.store = store;
        this.target = target;
    }

    @Override
    public int check(String host, byte[] key) {
        String k = keyType(key) + " " + Base64.getEncoder().encodeToString(key);
        presented = k;
        String p = store.pinIfAbsent(target.host(), target.port(), k);
        pinned = p;
        return p.equals(k) ? OK : CHANGED;
    }

    /** Set when the last check found another key than the pinned one. */
    boolean changed() {
        return presented != null && pinned != null && !presented.equals(pinned);
    }

    String presented() {
        return presented;
    }

    String pinned() {
        return pinned;
    }

    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int n = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (n <= 0 || n > 64 || blob.length < 4 + n) {
            return "unknown";
        }
        return new String(blob, 4, n, StandardCharsets.US_ASCII);
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // pinned in check()
    }

    @Override
    public void remove(String host, String type) {
        // pins are removed by an operator, never by a connection
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // as above
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return "cloudprovisioner-ledger";
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        // JSch asks which key types are known to order its algorithm proposal; the pinned type goes first
        String p = store.find(target.host(), target.port()).orElse(null);
        if (p == null) {
            return new HostKey[0];
        }
        try {
            String[] w = p.split(" ", 2);
            return new HostKey[] {new HostKey(host, Base64.getDecoder().decode(w[1]))};
        } catch (Exception e) {
            return new HostKey[0];
        }
    }
}

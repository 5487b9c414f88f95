package io.cloudprovisioner.deployment.ssh;

/** The host presented another key than the one pinned on first contact: the connection was refused. */
public final class HostKeyChangedException extends SshException {
    private final String pinned;
    private final String presented;

    public HostKeyChangedException(String target, String pinned, String presented) {
        super(target + " presented SSH host key " + fingerprint(presented) + " but " + fingerprint(pinned)
                + " was recorded on first contact; refusing to connect (if the host was really rebuilt, remove its "
                + "pinned key from the ledger's ssh_host_key table)", false);
        this.pinned = pinned;
        this.presented = presented;
    }

    public String pinned() {
        return pinned;
    }

    public String presented() {
        return presented;
    }

    /** "type SHA256:base64" of a "type base64-blob" key, as ssh-keygen -l shows it. */
    public static String fingerprint(String key) {
        String[] w = key.split(" ", 2);
        try {
            byte[] blob = java.util.Base64.getDecoder().decode(w[1]);
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(blob);
            return w[0] + " SHA256:" + java.util.Base64.getEncoder().withoutPadding().encodeToString(h);
        } catch (RuntimeException | java.security.NoSuchAlgorithmException e) {
            return w[0];
        }
    }
}

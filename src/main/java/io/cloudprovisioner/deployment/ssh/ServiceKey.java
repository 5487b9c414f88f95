package io.cloudprovisioner.deployment.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The service's SSH identity: a configured private key file, or an ed25519 key pair generated once (mode 0600, in
 * {@code <data-dir>/ssh/}) and kept. Its public key is what the adapters install on new instances. The private key
 * never leaves this object (and is never printed).
 */
public final class ServiceKey {
    public static final String GENERATED_NAME = "id_ed25519";

    private final byte[] privateKey;
    private final byte[] publicKeyBlob;
    private final String publicKey;
    private final String source;

    private ServiceKey(byte[] privateKey, KeyPair pair, String source) {
        this.privateKey = privateKey;
        this.publicKeyBlob = pair.getPublicKeyBlob();
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        pair.writePublicKey(pub, "cloudprovisioner");
        this.publicKey = pub.toString(StandardCharsets.US_ASCII).strip();
        this.source = source;
    }

    /** Loads the configured key file. */
    public static ServiceKey load(Path file) {
        try {
            byte[] prv = Files.readAllBytes(file);
            KeyPair kp = KeyPair.load(new JSch(), prv, null);
            if (kp.isEncrypted()) {
                throw new IllegalStateException("the SSH private key " + file + " is encrypted; give an unencrypted "
                        + "key (cloudprovisioner.deployment.ssh-private-key)");
            }
            return new ServiceKey(prv, kp, file.toString());
        } catch (IOException | JSchException e) {
            throw new IllegalStateException("cannot read the SSH private key " + file
                    + " (cloudprovisioner.deployment.ssh-private-key): " + e.getMessage(), e);
        }
    }

    /** The key pair under {@code dir}: generated (ed25519, private key mode 0600) when absent, else loaded. */
    public static synchronized ServiceKey generatedIn(Path dir) {
        Path file = dir.resolve(GENERATED_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
            KeyPair kp = KeyPair.genKeyPair(new JSch(), KeyPair.ED25519);
            ByteArrayOutputStream prv = new ByteArrayOutputStream();
            kp.writeOpenSSHv1PrivateKey(prv, null, "cloudprovisioner");
            Path tmp = dir.resolve(GENERATED_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            try (OutputStream out = Files.newOutputStream(Files.createFile(tmp, PosixFilePermissions
                    .asFileAttribute(PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.WRITE)) {
                out.write(prv.toByteArray());
            }
            try {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp);
            }
            ServiceKey k = load(file);
            Files.writeString(dir.resolve(GENERATED_NAME + ".pub"), k.publicKey() + "\n", StandardCharsets.US_ASCII);
            return k;
        } catch (IOException | JSchException e) {
            throw new IllegalStateException("cannot generate the service's SSH key in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    byte[] privateKey() {
        return privateKey.clone();
    }

    byte[] publicKeyBlob() {
        return publicKeyBlob.clone();
    }

    /** OpenSSH one-line public key, e.g. "ssh-ed25519 AAAA... cloudprovisioner". */
    public String publicKey() {
        return publicKey;
    }

    /** Where the key comes from (a path). */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "ServiceKey[" + source + "]";
    }
}

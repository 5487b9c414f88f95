package io.cloudprovisioner.deployment.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Opens SSH sessions with the service's key, pinning each host's key on first contact and refusing a changed one.
 * While an instance boots (port closed, sshd not up, key not yet installed) connecting is retried until a deadline.
 */
public final class SshClient {
    private static final Logger LOG = Logger.getLogger(SshClient.class);

    private final ServiceKey key;
    private final HostKeyStore hostKeys;
    private final Duration connectTimeout;
    private final Duration retryDelay;

    public SshClient(ServiceKey key, HostKeyStore hostKeys, Duration connectTimeout, Duration retryDelay) {
        this.key = key;
        this.hostKeys = hostKeys;
        this.connectTimeout = connectTimeout;
        this.retryDelay = retryDelay;
    }

    /**
     * Connects, retrying retryable failures until {@code deadline}.
     *
     * @throws HostKeyChangedException at once when the host's key is not the pinned one
     * @throws SshException with the last failure when the deadline passes
     */
    public SshSession connect(SshTarget target, Instant deadline) {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return connectOnce(target, deadline);
            } catch (HostKeyChangedException e) {
                throw e;
            } catch (SshException e) {
                Instant next = Instant.now().plus(retryDelay);
                if (!e.retryable() || next.isAfter(deadline)) {
                    throw new SshException(e.getMessage() + " (" + attempt + " attempt" + (attempt == 1 ? "" : "s")
                            + ")", e.retryable());
                }
                LOG.debugf("SSH to %s not ready (%s), retrying", target, e.getMessage());
                try {
                    Thread.sleep(retryDelay.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SshException("interrupted while connecting to " + target, false);
                }
            }
        }
    }

    private SshSession connectOnce(SshTarget target, Instant deadline) {
        JSch jsch = new JSch();
        PinnedHostKeys pins = new PinnedHostKeys(hostKeys, target);
        Session s = null;
        try {
            jsch.addIdentity("cloudprovisioner", key.privateKey(), key.publicKeyBlob(), null);
            jsch.setHostKeyRepository(pins);
            s = jsch.getSession(target.user(), target.host(), target.port());
            s.setConfig("StrictHostKeyChecking", "yes");
            s.setConfig("PreferredAuthentications", "publickey");
            long left = Duration.between(Instant.now(), deadline).toMillis();
            int timeout = (int) Math.max(1000, Math.min(connectTimeout.toMillis(), left));
            // also the socket read timeout: a long quiet command (a pull) keeps the session alive with keepalives
            s.setServerAliveInterval(15_000);
            s.connect(timeout);
            return new SshSession(s, target);
        } catch (JSchException e) {
            if (s != null) {
                s.disconnect();
            }
            if (pins.changed()) {
                throw new HostKeyChangedException(target.toString(), pins.pinned(), pins.presented());
            }
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new SshException("SSH to " + target + " failed: " + m, true);
        }
    }
}

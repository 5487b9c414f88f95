package io.cloudprovisioner.deployment.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** One authenticated SSH connection to a host: commands (exec channels) and files (SFTP). */
public final class SshSession implements AutoCloseable {
    /** Output kept of one command, per stream; the rest is dropped. */
    static final int MAX_OUTPUT = 1 << 20;

    private final Session session;
    private final SshTarget target;

    SshSession(Session session, SshTarget target) {
        this.session = session;
        this.target = target;
    }

    public SshTarget target() {
        return target;
    }

    /** What a command did. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first lines of stderr (or stdout when stderr is empty), bounded, for messages. */
        public String summary() {
            String s = (stderr.isBlank() ? stdout : stderr).strip();
            return s.length() > 500 ? s.substring(0, 500) + "..." : s;
        }
    }

    /**
     * Runs a command line (given to the login shell) and waits for it, at most {@code timeout}.
     *
     * @throws SshException when the channel fails or the command does not end in time (exit code then unknown)
     */
    public Result exec(String command, Duration timeout) {
        ChannelExec ch = null;
        try {
            ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(command.getBytes(StandardCharsets.UTF_8));
            ch.setInputStream(null);
            Capped out = new Capped();
            Capped err = new Capped();
            ch.setOutputStream(out, true);
            ch.setErrStream(err, true);
            long end = System.nanoTime() + timeout.toNanos();
            ch.connect((int) Math.max(1000, Math.min(timeout.toMillis(), 30_000)));
            while (!ch.isClosed()) {
                if (System.nanoTime() > end) {
                    throw new SshException("a command on " + target + " did not finish within " + timeout.toSeconds()
                            + " s", true);
                }
                Thread.sleep(20);
            }
            return new Result(ch.getExitStatus(), out.text(), err.text());
        } catch (JSchException e) {
            throw new SshException("SSH channel to " + target + " failed: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("interrupted while running a command on " + target, false);
        } finally {
            if (ch != null) {
                ch.disconnect();
            }
        }
    }

    /** Writes {@code content} to {@code path} (relative to the login user's home) and sets its mode. */
    public void upload(String path, byte[] content, int mode) {
        ChannelSftp sftp = sftp();
        try {
            sftp.put(new ByteArrayInputStream(content), path, ChannelSftp.OVERWRITE);
            sftp.chmod(mode, path);
        } catch (SftpException e) {
            throw new SshException("SFTP to " + target + " failed writing " + path + ": " + e.getMessage(), true);
        } finally {
            sftp.disconnect();
        }
    }

    /** The mode bits (e.g. 0600) of a file, or -1 when it does not exist. */
    public int mode(String path) {
        ChannelSftp sftp = sftp();
        try {
            SftpATTRS a = sftp.stat(path);
            return a.getPermissions() & 07777;
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return -1;
            }
            throw new SshException("SFTP to " + target + " failed reading " + path + ": " + e.getMessage(), true);
        } finally {
            sftp.disconnect();
        }
    }

    private ChannelSftp sftp() {
        try {
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(30_000);
            return sftp;
        } catch (JSchException e) {
            throw new SshException("SFTP to " + target + " failed: " + e.getMessage(), true);
        }
    }

    @Override
    public void close() {
        session.disconnect();
    }

    /** A stream that keeps the first {@link #MAX_OUTPUT} bytes. */
    private static final class Capped extends OutputStream {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int c) {
            if (b.size() < MAX_OUTPUT) {
                b.write(c);
            }
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            int n = Math.min(len, MAX_OUTPUT - b.size());
            if (n > 0) {
                b.write(buf, off, n);
            }
        }

        synchronized String text() {
            return b.toString(StandardCharsets.UTF_8);
        }
    }
}

package io.cloudprovisioner.deployment.ssh;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * Apache MINA SSHD on 127.0.0.1 for tests: exec channels run real {@code /bin/sh -c COMMAND} processes, SFTP works on the real
 * file system, only the given client public key may log in, and the host key is the one given (so a test can make
 * the "same host" present another key).
 */
public final class InJvmSshServer implements AutoCloseable {
    private final SshServer server;

    public InJvmSshServer(int port, KeyPair hostKey, PublicKey clientKey) throws IOException {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        // like OpenSSH's sshd: the command line goes to the shell as one string (MINA's ProcessShellCommandFactory
        // would split it into words itself on Unix, which is not what a real host does)
        server.setCommandFactory((channel, command) -> new ProcessShellFactory(command, List.of("/bin/sh", "-c",
                command)).createShell(channel));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.start();
    }

    public int port() {
        return server.getPort();
    }

    /** A fresh ECDSA P-256 key pair (a host key, or a client key MINA can verify without extra providers). */
    public static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}

package io.cloudprovisioner.harness;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The packaged application (target/quarkus-app) as a real child process: started with given configuration,
 * waited for until grpc.health answers SERVING, and killed with SIGKILL (no shutdown hooks) or stopped. Used by
 * the crash, replica and chaos tests, which need what an in-JVM test cannot do: a process that really dies.
 */
public final class AppProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final String name;
    private final Map<String, String> props;
    private final Map<String, String> env;
    private final int grpcPort;
    private final Path logDir;
    private final Function<Integer, ManagedChannel> channels;
    private final boolean tls;
    private volatile Process process;
    private volatile ManagedChannel channel;
    private volatile Path log;
    private int starts;

    private AppProcess(String name, Map<String, String> props, Map<String, String> env, Path logDir,
            Function<Integer, ManagedChannel> channels, boolean tls) throws IOException {
        this.name = name;
        this.channels = channels;
        this.tls = tls;
        this.props = new LinkedHashMap<>(props);
        this.env = Map.copyOf(env);
        this.grpcPort = freePorts(1).get(0);
        this.logDir = logDir;
    }

    /**
     * Starts the application and waits until it serves.
     *
     * @param props configuration as system properties; {@code env} as environment variables (secrets go there,
     *     not on the command line)
     */
    public static AppProcess start(String name, Map<String, String> props, Map<String, String> env, Path logDir)
            throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " not found: package the application first");
        }
        AppProcess a = new AppProcess(name, props, env, logDir,
                port -> ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(), false);
        a.restart(Map.of());
        return a;
    }

    /**
     * Starts the application with TLS on its one port ({@code quarkus.http.ssl-port} = the port; the props or env
     * must configure the certificate and {@code quarkus.http.insecure-requests=disabled}) and waits until it serves
     * over a channel made by {@code channels} (given the port).
     */
    public static AppProcess startTls(String name, Map<String, String> props, Map<String, String> env, Path logDir,
            Function<Integer, ManagedChannel> channels) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " not found: package the application first");
        }
        AppProcess a = new AppProcess(name, props, env, logDir, channels, true);
        a.restart(Map.of());
        return a;
    }

    /** Starts (again) on the same ports, data and configuration, with {@code extra} configuration on top. */
    public void restart(Map<String, String> extra) throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        closeChannel();
        Files.createDirectories(logDir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + grpcPort,
                // no live price refresh against the real internet from a packaged app under test (props may override)
                "-Dcloudprovisioner.prices.refresh-enabled=false"));
        if (tls) {
            cmd.add("-Dquarkus.http.ssl-port=" + grpcPort);
        }
        Map<String, String> all = new LinkedHashMap<>(props);
        all.putAll(extra);
        all.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", JAR.toString()));
        Path log = logDir.resolve(name + "-" + (++starts) + ".log");
        this.log = log;
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        channel = channels.apply(grpcPort);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus()
                        == HealthCheckResponse.ServingStatus.SERVING) {
                    return;
                }
            } catch (RuntimeException notYet) {
                channel.resetConnectBackoff();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not serve within 90 s; see " + log);
    }

    public ManagedChannel channel() {
        return channel;
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** The process id of the current run (e.g. to read /proc/PID/status). */
    public long pid() {
        return process.pid();
    }

    /** The log file of the current run (standard output and error). */
    public Path log() {
        return log;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end by itself (e.g. at a crash point); its exit code, or -1 if still running. */
    public int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: no shutdown hook, no flush, no ledger update. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        closeChannel();
    }

    private void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            channel = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        closeChannel();
    }

    public static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}

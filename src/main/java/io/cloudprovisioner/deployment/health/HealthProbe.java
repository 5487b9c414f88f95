package io.cloudprovisioner.deployment.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Probes a deployed workload from the service: an HTTP GET of its health path expecting 2xx, or (without a path) a
 * TCP connect to its port. Says what it checked and what it got.
 */
public final class HealthProbe {
    private final Duration timeout;
    private final HttpClient http;

    public HealthProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /** One probe's outcome. */
    public record Result(boolean healthy, String detail, Instant checkedAt) {
    }

    /**
     * @param path an HTTP path starting with "/", or empty for a TCP connect
     */
    public Result probe(String host, int port, String path) {
        Instant at = Instant.now();
        String h = host.contains(":") ? "[" + host + "]" : host;
        if (path == null || path.isEmpty()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                return new Result(true, "TCP connect to " + h + ":" + port + ": connected", at);
            } catch (IOException e) {
                return new Result(false, "TCP connect to " + h + ":" + port + ": " + reason(e), at);
            }
        }
        String url = "http://" + h + ":" + port + path;
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            boolean ok = r.statusCode() >= 200 && r.statusCode() < 300;
            return new Result(ok, "HTTP GET " + url + ": status " + r.statusCode() + (ok ? "" : " (expected 2xx)"),
                    at);
        } catch (IOException e) {
            return new Result(false, "HTTP GET " + url + ": " + reason(e), at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "HTTP GET " + url + ": interrupted", at);
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        String kind = e instanceof java.net.http.HttpTimeoutException || e instanceof java.net.SocketTimeoutException
                ? "timed out" : e instanceof java.net.ConnectException ? "connection refused" : "failed";
        return m == null || m.isBlank() ? kind + " (" + e.getClass().getSimpleName() + ")" : kind + " (" + m + ")";
    }
}

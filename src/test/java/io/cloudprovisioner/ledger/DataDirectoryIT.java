package io.cloudprovisioner.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudprovisioner.harness.AppProcess;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Two packaged applications pointed at one data directory: the second stops at start and says why; the first
 * keeps serving.
 */
public class DataDirectoryIT {
    @Test
    void aSecondProcessOnTheSameDataDirectoryStopsWithAClearMessage() throws Exception {
        Path logs = Path.of("target/data-directory-it");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shared-data-");
        Map<String, String> cfg = Map.of("cloudprovisioner.data-dir", dir.toString());
        try (AppProcess first = AppProcess.start("first", cfg, Map.of(), logs)) {
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> AppProcess.start("second", cfg, Map.of(), logs).close());
            assertTrue(e.getMessage().contains("exited with"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "the second process stopped at start");
            String log = newestLog(logs, "second-");
            assertTrue(log.contains("the data directory " + dir + " is in use by another process"), log);
            // and a normal start says nothing alarming (no deprecation or configuration warnings)
            String firstLog = newestLog(logs, "first-");
            assertTrue(firstLog.lines().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")), firstLog);
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(first.channel())
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        }
    }

    private static String newestLog(Path logs, String prefix) throws java.io.IOException {
        try (Stream<Path> files = Files.list(logs)) {
            Path p = files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified())).orElseThrow();
            return Files.readString(p);
        }
    }
}

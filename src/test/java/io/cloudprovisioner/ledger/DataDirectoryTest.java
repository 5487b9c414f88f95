package io.cloudprovisioner.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void makesTheDirectoryAndHoldsItWithThePid() throws Exception {
        Path dir = tmp.resolve("a/b");
        DataDirectory d = DataDirectory.acquire(dir.toString());
        try {
            assertTrue(Files.isDirectory(dir));
            assertEquals(dir.toAbsolutePath().normalize(), d.path());
            assertEquals(Long.toString(ProcessHandle.current().pid()),
                    Files.readString(dir.resolve(DataDirectory.LOCK_FILE)).trim());
        } finally {
            d.release();
        }
    }

    @Test
    void aSecondHolderIsRefusedWithAClearMessageUntilTheFirstLetsGo() {
        DataDirectory first = DataDirectory.acquire(tmp.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DataDirectory.acquire(tmp.toString()));
        assertTrue(e.getMessage().contains("is in use by another process (pid " + ProcessHandle.current().pid() + ")"),
                e.getMessage());
        assertTrue(e.getMessage().contains("CLOUDPROVISIONER_DATA_DIR"), e.getMessage());
        first.release();
        DataDirectory.acquire(tmp.toString()).release();
    }

    @Test
    void aDirectoryThatCannotBeMadeIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DataDirectory.acquire(file.resolve("sub").toString()));
        assertTrue(e.getMessage().startsWith("cannot create the data directory " + file.resolve("sub")),
                e.getMessage());
    }
}

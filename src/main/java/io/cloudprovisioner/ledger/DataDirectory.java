package io.cloudprovisioner.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The service's data directory ({@code cloudprovisioner.data-dir}): made if missing, and held by one process at a
 * time through an exclusive lock on {@value #LOCK_FILE} inside it (kept until the process ends), so a second process
 * pointed at the same directory stops at start with a message that says so, instead of failing later inside the
 * embedded database. The lock file names the holder's pid.
 */
public final class DataDirectory {
    public static final String LOCK_FILE = ".lock";

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectory(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Makes {@code dir} (relative paths resolve against the working directory) and takes its lock.
     *
     * @throws IllegalStateException when the directory cannot be made or written, or another process holds it
     */
    public static DataDirectory acquire(String dir) {
        Path path = Path.of(dir).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot create the data directory " + path
                    + " (set CLOUDPROVISIONER_DATA_DIR to a writable directory): " + ex, ex);
        }
        Path lockFile = path.resolve(LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot write to the data directory " + path
                    + " (set CLOUDPROVISIONER_DATA_DIR to a writable directory): " + ex, ex);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException ex) {
            lock = null;
        } catch (IOException ex) {
            closeQuietly(ch);
            throw new IllegalStateException("cannot lock the data directory " + path + ": " + ex, ex);
        }
        if (lock == null) {
            String holder = holder(lockFile);
            closeQuietly(ch);
            throw new IllegalStateException("the data directory " + path + " is in use by another process"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + ": give each process a directory of its own (CLOUDPROVISIONER_DATA_DIR), or share a PostgreSQL"
                    + " ledger between replicas (QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL)");
        }
        try {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
        } catch (IOException ex) {
            // the pid is a courtesy for the message above; the lock is what counts
        }
        return new DataDirectory(path, ch, lock);
    }

    private static String holder(Path lockFile) {
        try {
            String s = Files.readString(lockFile, StandardCharsets.US_ASCII).trim();
            return s.matches("[0-9]{1,10}") ? s : "";
        } catch (IOException ex) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was held
        }
    }

    public Path path() {
        return path;
    }

    /** Gives the directory up (tests; a process keeps it until it ends). */
    public void release() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // the channel is gone either way
        }
    }
}

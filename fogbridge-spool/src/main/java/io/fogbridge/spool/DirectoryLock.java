package io.fogbridge.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A spool directory held by this process: marked as a spool ({@value SegmentedSpool#MARKER_FILE})
 * and locked through an OS file lock on {@code .lock}, so that a second spool (in this or another
 * process) cannot open it. The OS drops the lock with the process, so a crash never leaves the
 * directory locked.
 *
 * <p>A directory this process cannot write to (a filesystem the kernel remounted read-only after errors, or
 * permissions) cannot take the exclusive lock; {@link #acquireReadOnly} holds a shared lock on an existing
 * {@code .lock} instead, so that no writer opens it meanwhile, and needs nothing written.
 *
 * <p>Thread-safe by the OS lock; {@link #close} once, by the spool's close.
 */
final class DirectoryLock implements AutoCloseable {
    private static final String LOCK_FILE = ".lock";

    /** Both null for a read-only directory without a {@code .lock} file: nothing to lock, and nobody can write. */
    private final FileChannel channel;

    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the directory and its marker if needed and locks it.
     *
     * @throws IOException when the directory is in use by this or another process, or cannot be used
     */
    static DirectoryLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path marker = dir.resolve(SegmentedSpool.MARKER_FILE);
        if (!Files.exists(marker)) {
            Files.writeString(marker, "fogbridge-spool 1\n", StandardCharsets.UTF_8);
        }
        FileChannel channel =
                FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("spool directory " + dir + " is in use by this process already", e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("spool directory " + dir + " is in use by another process");
        }
        return new DirectoryLock(channel, lock);
    }

    /**
     * Whether {@code dir} is an existing spool directory this process cannot write to, so that the spool should
     * open it read-only.
     */
    static boolean readOnly(Path dir) {
        return Files.isDirectory(dir)
                && Files.exists(dir.resolve(SegmentedSpool.MARKER_FILE))
                && !Files.isWritable(dir);
    }

    /**
     * Takes a shared lock on the {@code .lock} file of a directory this process cannot write to.
     *
     * @throws IOException when a writer holds the directory
     */
    static DirectoryLock acquireReadOnly(Path dir) throws IOException {
        Path file = dir.resolve(LOCK_FILE);
        if (!Files.exists(file)) {
            return new DirectoryLock(null, null);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("spool directory " + dir + " is in use by this process already", e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("spool directory " + dir + " is in use by another process");
        }
        return new DirectoryLock(channel, lock);
    }

    /** Releases the directory. */
    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}

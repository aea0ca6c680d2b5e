package io.fogbridge.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The spool's file I/O that can fail on a sick or full disk: every segment write, fsync, truncate,
 * rename and delete goes through one of these, so that tests can make any of them fail (ENOSPC,
 * EIO, a short write, a failed rename) at a chosen point and check what the spool does then.
 *
 * <p>{@link #PLAIN} is the production implementation: the plain {@link FileChannel} and {@link
 * Files} calls, fsyncs through {@link Fsync}. A spool holds its {@code SpoolDisk} in a final field
 * and calls it directly: no allocation, one call that the JIT inlines when only {@code PLAIN} is
 * loaded.
 *
 * <p><b>Contract.</b> Implementations are thread-safe (the writer and the background sync thread
 * call it at once). A failure throws an {@link IOException}; a {@link #write} may have written a
 * prefix of the buffer before it failed (a short write), and reports that through the buffer's
 * position, like {@link FileChannel#write(ByteBuffer, long)}. The caller decides what a failure
 * means for the data (see {@link SpoolWriter}).
 */
interface SpoolDisk {
    SpoolDisk PLAIN = new SpoolDisk() {};

    /** Writes some of {@code src} at {@code position}; returns the bytes written. */
    default int write(FileChannel channel, Path file, ByteBuffer src, long position) throws IOException {
        return channel.write(src, position);
    }

    /** Reads into {@code dst} from {@code position}; returns the bytes read, -1 at the end of the file. */
    default int read(FileChannel channel, Path file, ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
    }

    /** fsyncs the file's data (see {@link Fsync#file}). */
    default void force(FileChannel channel, Path file) throws IOException {
        Fsync.file(channel, file);
    }

    /** fsyncs a directory's entries (see {@link Fsync#directory}). */
    default void forceDirectory(Path dir) throws IOException {
        Fsync.directory(dir);
    }

    default void truncate(FileChannel channel, Path file, long size) throws IOException {
        channel.truncate(size);
    }

    /** Atomically replaces {@code target} with {@code source}. */
    default void move(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the file if it exists. */
    default void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }
}

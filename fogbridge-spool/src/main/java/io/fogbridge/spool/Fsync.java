package io.fogbridge.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every fsync the spool does goes through here: the one place that decides what is on stable
 * storage, so the durability rules of {@link SegmentFile}, {@link CommitLog} and
 * {@link SequenceReservation} can be checked against a model of a power cut.
 *
 * <p>{@link #observer} is a test seam ({@code SpoolSimulationTest} records what each fsync made
 * durable and rebuilds the directory a power cut would leave); production leaves it null, which
 * costs one volatile read per fsync. Thread-safe.
 */
final class Fsync {
    /** Told after each fsync what it made durable; called on the thread that fsynced. */
    interface Observer {
        /** The first {@code bytes} bytes of {@code file}, as it is now, are on stable storage. */
        void fileSynced(Path file, long bytes);

        /** The names created, renamed or deleted in {@code dir} so far are on stable storage. */
        void directorySynced(Path dir);
    }

    static volatile Observer observer;

    private Fsync() {}

    /** fdatasync of an append-only file: every byte written before the call is durable after it. */
    static void file(FileChannel channel, Path path) throws IOException {
        Observer o = observer;
        long bytes = o != null ? channel.size() : 0; // before the force: these bytes are covered by it
        channel.force(false);
        if (o != null) {
            o.fileSynced(path, bytes);
        }
    }

    /** fsyncs a directory so that created, renamed or deleted entries in it are durable. */
    static void directory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open directories; Linux, the target, can
            if (System.getProperty("os.name", "").toLowerCase().contains("win")) {
                return;
            }
            throw e;
        }
        Observer o = observer;
        if (o != null) {
            o.directorySynced(dir);
        }
    }
}

package io.fogbridge.gateway.doctor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Measures what one durable append costs on a file system: {@code count} times a small write followed by
 * {@code fdatasync} ({@link FileChannel#force force(false)}), as the spool does for each group commit, in a scratch
 * file that is deleted afterwards. Not thread-safe; one probe at a time per directory is enough.
 */
public final class FsyncProbe {

    /** Latencies of the probe, in microseconds. */
    public record Result(int count, long p50Micros, long p99Micros, long maxMicros) {}

    private FsyncProbe() {}

    /** @throws IOException the directory cannot be written */
    public static Result measure(Path dir, int count) throws IOException {
        Path file = Files.createTempFile(dir, ".fogbridge-doctor-", ".probe");
        long[] micros = new long[count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer record = ByteBuffer.allocate(512);
            for (int i = 0; i < count; i++) {
                record.clear();
                long start = System.nanoTime();
                while (record.hasRemaining()) {
                    channel.write(record);
                }
                channel.force(false);
                micros[i] = (System.nanoTime() - start) / 1_000;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(micros);
        return new Result(count, micros[count / 2], micros[Math.min(count - 1, count * 99 / 100)], micros[count - 1]);
    }
}

package io.fogbridge.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * A small real ext4 filesystem (an image file mounted through a loop device) that a test can freeze with {@code
 * fsfreeze(8)}: every write to it then waits in the kernel, uninterruptibly, until it is thawed, as on a hung SD card
 * or a stalled volume. Reads still work. Needs root, a loop device, {@code mkfs.ext4} and {@code fsfreeze} ({@code
 * .ci/run} installs them); where that is not possible the test fails when {@code CI=true} and is skipped otherwise,
 * like {@link ReadOnlyMount}.
 *
 * <p>A frozen filesystem outlives the process that froze it, and a process writing to it cannot even be killed.
 * So {@link #freeze} also starts a watchdog process of its own that thaws the filesystem after a bound whatever
 * happens to the test's JVM; {@link #thaw} and {@link #close} end it.
 *
 * <p>Not thread-safe; {@link #close} thaws, unmounts and deletes the image.
 */
public final class FreezableMount implements AutoCloseable {
    private final Path dir;
    private final Path image;
    private Process watchdog;

    private FreezableMount(Path dir, Path image) {
        this.dir = dir;
        this.image = image;
    }

    /** Makes an ext4 image of {@code megabytes} in {@code parent} and mounts it on a new directory there. */
    public static FreezableMount create(Path parent, int megabytes) throws IOException, InterruptedException {
        Path image = parent.resolve("freezable.ext4");
        Path dir = Files.createDirectories(parent.resolve("freezable"));
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(megabytes * 1024L * 1024L);
        }
        String failure = run("mkfs.ext4", "-q", "-F", image.toString());
        if (failure == null) {
            failure = run("mount", "-o", "loop", image.toString(), dir.toString());
        }
        if (failure != null) {
            Files.deleteIfExists(image);
            String message = "cannot mount an ext4 image through a loop device for a hung-disk test (needs root, a"
                    + " loop device, mkfs.ext4): " + failure;
            if (TestEnv.ci()) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return new FreezableMount(dir, image);
    }

    public Path dir() {
        return dir;
    }

    /** Freezes the filesystem: writes wait until {@link #thaw}, or until {@code atMost} passed (the watchdog). */
    public void freeze(Duration atMost) throws IOException, InterruptedException {
        // "&&": stopping the sleep (thaw) must not thaw by itself
        watchdog = new ProcessBuilder("sh", "-c", "sleep " + atMost.toSeconds() + " && exec fsfreeze -u '" + dir + "'")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String failure = run("fsfreeze", "-f", dir.toString());
        if (failure != null) {
            // it may have frozen all the same (a timeout): thaw; the watchdog stays in case that fails too
            run("fsfreeze", "-u", dir.toString());
            String message = "cannot freeze " + dir + " (needs fsfreeze and root): " + failure;
            if (TestEnv.ci()) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    /**
     * Thaws the filesystem (a no-op when it is not frozen): waiting writes go on. The watchdog is stopped only once
     * the filesystem is known to be thawed.
     */
    public void thaw() throws IOException, InterruptedException {
        if (watchdog == null) {
            return; // not frozen by this object, or thawed already
        }
        String failure = run("fsfreeze", "-u", dir.toString());
        // "Invalid argument": not frozen (the watchdog was first, or it never froze)
        boolean thawed = failure == null || failure.contains("Invalid argument");
        if (thawed) {
            watchdog.descendants().forEach(ProcessHandle::destroy); // its sleep, else left for the whole bound
            watchdog.destroy();
            watchdog = null;
        }
        if (!thawed) {
            throw new IOException("could not thaw " + dir + " (the watchdog will): " + failure);
        }
    }

    @Override
    public void close() throws IOException {
        String failure;
        try {
            thaw();
            failure = run("umount", "-l", dir.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        Files.deleteIfExists(image);
        if (failure != null) {
            throw new IOException("umount failed: " + failure);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        return ReadOnlyMount.run(command);
    }
}

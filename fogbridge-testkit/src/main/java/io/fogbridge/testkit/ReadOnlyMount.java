package io.fogbridge.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small real filesystem (tmpfs) that a test fills while it is writable and then remounts read-only, as an SD card
 * that the kernel turned read-only after errors. Needs root (CI runs as root). Where mounting is not possible the
 * test fails when {@code CI=true} and is skipped otherwise, like {@link TestEnv#peer}.
 *
 * <p>Not thread-safe; {@link #close} unmounts.
 */
public final class ReadOnlyMount implements AutoCloseable {
    private final Path dir;

    private ReadOnlyMount(Path dir) {
        this.dir = dir;
    }

    /** Mounts a writable tmpfs of {@code megabytes} on a new directory under {@code parent}. */
    public static ReadOnlyMount create(Path parent, int megabytes) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(parent.resolve("mnt"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
        if (failure != null) {
            String message = "cannot mount a tmpfs for a read-only filesystem test (needs root): " + failure;
            if (TestEnv.ci()) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return new ReadOnlyMount(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Remounts the filesystem read-only: every later write, create or lock fails with EROFS. */
    public void makeReadOnly() throws IOException, InterruptedException {
        String failure = run("mount", "-o", "remount,ro", dir.toString());
        if (failure != null) {
            throw new IOException("remount read-only failed: " + failure);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String failure = run("umount", "-l", dir.toString());
        if (failure != null) {
            throw new IOException("umount failed: " + failure);
        }
    }

    /** Runs a command (30 s at most); returns null on success, else what went wrong. Also for {@link FreezableMount}. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("LC_ALL", "C"); // callers match the tools' English messages
            p = pb.start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + out;
    }
}

package io.fogbridge.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One process of the benchmark (Kafka, the gateway, the load generator, the verifying consumer, the ceiling
 * producer). Its stdout is the line protocol the benchmark steers it by: {@code PROGRESS …} lines keep only the
 * latest, every other line queues for {@link #await}. Stderr goes to a log file, shown when something fails.
 *
 * <p>Thread-safe for {@link #latestProgress()}; the rest is driven by one thread.
 */
final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicReference<String> progress = new AtomicReference<>();
    private final List<String> echoPrefixes;

    private ChildProcess(String name, Process process, Path log, List<String> echoPrefixes) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.echoPrefixes = echoPrefixes;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name(name + "-stdout").start(this::pump);
    }

    /** Starts {@code command}; stderr appends to {@code log}; stdout lines starting with {@code echoPrefixes} are echoed. */
    static ChildProcess start(String name, List<String> command, Path log, List<String> echoPrefixes)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildProcess(name, pb.start(), log, echoPrefixes);
    }

    static ChildProcess start(String name, List<String> command, Path log) throws IOException {
        return start(name, command, log, List.of());
    }

    private void pump() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("PROGRESS ")) {
                    progress.set(line.substring("PROGRESS ".length()));
                } else {
                    lines.add(line);
                }
                for (String prefix : echoPrefixes) {
                    if (line.startsWith(prefix)) {
                        System.out.println("  [" + name + "] " + line);
                    }
                }
            }
        } catch (IOException e) {
            // the process went away; await() reports it
        }
    }

    /** The next stdout line starting with {@code prefix} (other lines are skipped); fails if the process exits first. */
    String await(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new IllegalStateException(name + " exited (code " + process.exitValue() + ") before printing '"
                        + prefix + "'; log " + log + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        name + " did not print '" + prefix + "' within " + timeout + "; log " + log + ":\n" + tail());
            }
        }
    }

    /** A queued line starting with {@code prefix}, or null at once if there is none (other queued lines are dropped). */
    String poll(String prefix) {
        for (String line; (line = lines.poll()) != null; ) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /** The latest PROGRESS line's payload, or null. */
    String latestProgress() {
        return progress.get();
    }

    void send(String line) throws IOException {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, then SIGKILL if it is still there after {@code grace}. */
    void terminate(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            terminate(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code java} of this JVM with the options every child needs. */
    static List<String> java(String classpath, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int feature = Runtime.version().feature();
        // HiveMQ CE and Kafka load native code and use sun.misc.Unsafe: same flags as bin/fogbridge.
        if (feature >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        if (feature >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(jvmOptions);
        if (!mainClass.startsWith("io.fogbridge.gateway")) {
            // stdout is the line protocol: every benchmark process but the gateway (which has its own) logs warnings to
            // stderr
            cmd.add("-Dlogback.configurationFile=e2e-logback.xml");
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}

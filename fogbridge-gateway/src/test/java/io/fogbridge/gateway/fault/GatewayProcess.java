package io.fogbridge.gateway.fault;

import io.fogbridge.gateway.cli.Main;
import io.fogbridge.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fogbridge run --config <file>} in a child JVM ({@link ChildJvm}), so a test can SIGKILL a whole
 * gateway: no shutdown hook, no close, no flush. Its stdout is drained by a thread of its own (the gateway
 * prints {@code READY mqtt=[port] http=port} there once started; logs go to stderr, which the build log
 * shows).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            // HiveMQ CE loads netty's native transport.
            "--enable-native-access=ALL-UNNAMED");

    private final ChildJvm child;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private static final String EOF = "\u0000EOF";

    /**
     * As {@link #start(Path)}, with the launcher's heap ({@code bin/fogbridge}: {@code -Xmx128m} and so on) instead
     * of the tests' 256 MiB, and {@code -XX:+ExitOnOutOfMemoryError}: a heap that fills ends the process, which the
     * test sees, instead of leaving it half alive.
     */
    public static GatewayProcess startWithHeap(Path configFile, String xmx) throws IOException {
        List<String> options = new java.util.ArrayList<>(JVM_OPTIONS);
        options.set(0, "-Xmx" + xmx);
        options.add("-XX:+ExitOnOutOfMemoryError");
        return new GatewayProcess(ChildJvm.start(Main.class, options, "run", "--config", configFile.toString()));
    }

    private GatewayProcess(ChildJvm child) {
        this.child = child;
        Thread.ofPlatform().name("gateway-stdout-" + child.pid()).daemon().start(this::drain);
    }

    public static GatewayProcess start(Path configFile) throws IOException {
        return new GatewayProcess(ChildJvm.start(Main.class, JVM_OPTIONS, "run", "--config", configFile.toString()));
    }

    /**
     * Starts with JVM options added after the defaults (a later {@code -Xmx} wins), e.g. the launcher's
     * {@code -Xmx128m} and {@code -XX:+ExitOnOutOfMemoryError} for tests of the memory budget.
     */
    public static GatewayProcess start(Path configFile, List<String> extraJvmOptions) throws IOException {
        List<String> options = new java.util.ArrayList<>(JVM_OPTIONS);
        options.addAll(extraJvmOptions);
        return new GatewayProcess(ChildJvm.start(Main.class, options, "run", "--config", configFile.toString()));
    }

    /**
     * Waits for the READY line and returns it.
     *
     * @throws AssertionError if the gateway exits first or does not get ready in time
     */
    public String awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("gateway (pid " + child.pid() + ") printed no READY line within " + timeout);
            }
            if (line.equals(EOF)) {
                throw new AssertionError("gateway (pid " + child.pid() + ") exited before READY with code "
                        + child.waitFor(10, TimeUnit.SECONDS) + " (its log is on stderr above)");
            }
            if (line.startsWith("READY ")) {
                return line;
            }
        }
    }

    /**
     * The ports a started gateway bound, from its READY line. A gateway configured with port 0 binds what the kernel
     * gives it; a port picked free beforehand ({@code TestEnv.freePort}) can be taken by a parallel test before the
     * child JVM binds it (one CI run: the ops server's {@code BindException}, and the gateway exited).
     */
    public record Ready(List<Integer> mqttPorts, int httpPort) {

        private static final Pattern LINE = Pattern.compile("READY mqtt=\\[([0-9, ]*)\\] http=(-?[0-9]+)");

        public static Ready parse(String line) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a READY line: " + line);
            }
            List<Integer> mqtt = m.group(1).isBlank()
                    ? List.of()
                    : Arrays.stream(m.group(1).split(",\\s*"))
                            .map(Integer::valueOf)
                            .toList();
            return new Ready(mqtt, Integer.parseInt(m.group(2)));
        }

        public int mqttPort() {
            return mqttPorts.getFirst();
        }
    }

    /** {@link #awaitReady} and the ports it names. */
    public Ready awaitPorts(Duration timeout) throws InterruptedException {
        return Ready.parse(awaitReady(timeout));
    }

    public long pid() {
        return child.pid();
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    /** SIGKILL; returns once the process is gone. */
    public int kill() throws InterruptedException {
        return child.kill();
    }

    private void drain() {
        try {
            for (String line = child.readLine(); line != null; line = child.readLine()) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the pipe breaks when the process dies
        }
        lines.add(EOF);
    }

    @Override
    public void close() throws IOException {
        child.close();
    }
}

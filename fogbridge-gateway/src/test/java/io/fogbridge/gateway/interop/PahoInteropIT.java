package io.fogbridge.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fogbridge.gateway.fault.GatewayProcess;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eclipse Paho's MQTT interoperability suite (a third-party peer in {@code ../shared/peers/paho-mqtt-testing}, run
 * from there, never copied) against the real gateway's device port, MQTT 3.1.1 and MQTT 5 at once, each part against a
 * gateway of its own (the suites use the same client ids, so one broker would have them take over each other's
 * sessions). Our own runner ({@code src/test/resources/paho/run_shard.py}) runs a part of a suite.
 *
 * <p>Proves: every test of both suites runs, and none fails that passed on 2026-12-04 (3.1.1: 8 of 10; 5: 22 of 27).
 * The known failures are listed with their cause in RELIABILITY.md ("MQTT conformance"). A change that makes one of
 * them pass is welcome and shows here as a shorter failure list; a change that breaks another test fails the build.
 *
 * <p>The suites are mostly sleeps (the 5 suite about 160 s), so the 3.1.1 suite and three parts of the 5 suite run
 * side by side: the test takes about a minute, not three.
 *
 * <p>Tagged {@code alone}: failsafe runs it after the other ITs of the module, with no other IT beside it
 * (fogbridge-gateway/pom.xml). Its checks are the suites' sleeps of a second or less; beside the fault ITs (the module
 * runs its other ITs two at a time) on the shared 2-core dev box at load average 40, two of them failed twice in a row.
 */
@Tag("alone")
class PahoInteropIT {

    /** Tests that failed on the gateway when this test was written; see RELIABILITY.md for why each fails. */
    private static final Set<String> KNOWN_FAILING_3 = Set.of("test_dollar_topics", "test_subscribe_failure");

    private static final Set<String> KNOWN_FAILING_5 = Set.of(
            "test_dollar_topics",
            "test_subscribe_failure",
            "test_server_keep_alive",
            "test_server_topic_alias",
            "test_flow_control1");

    /** unittest's summary: one {@code FAIL: name (...)} or {@code ERROR: name (...)} block per failure, then "Ran N". */
    private static final Pattern FAILED = Pattern.compile("(?m)^(FAIL|ERROR): (\\w+) \\(");

    private static final Pattern RAN = Pattern.compile("(?m)^Ran (\\d+) tests? in ");
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(6);

    /**
     * The MQTT 5 suite in three parts of about 55 s each, side by side, each against a gateway of its own (measured
     * 2026-12-05: 158 s for the whole suite, its longest test 22 s). The last part is every test the first two do not
     * name, so a test the suite gains upstream is never left out.
     */
    private static final List<Set<String>> NAMED_PARTS_5 = List.of(
            Set.of(
                    "test_subscribe_options",
                    "test_will_delay",
                    "test_retained_message",
                    "test_maximum_packet_size",
                    "test_basic"),
            Set.of(
                    "test_session_expiry",
                    "test_offline_message_queueing",
                    "test_publication_expiry",
                    "test_redelivery_on_reconnect",
                    "test_shared_subscriptions",
                    "test_zero_length_clientid",
                    "test_overlapping_subscriptions",
                    "test_user_properties"));

    /** Our runner of a part of a suite ({@code src/test/resources/paho/run_shard.py}). */
    private static final Pattern SELECTED = Pattern.compile("(?m)^selected: (.*)$");

    /** One run of the runner: a suite's version, and the tests it runs ({@code only}) or leaves out ({@code except}). */
    private record Part(String name, String version, String mode, Set<String> tests) {}

    @TempDir
    Path dir;

    @Test
    void pahoSuitesPassNoFewerTestsThanBefore() throws Exception {
        Path pahoDir = pahoDir();
        Path runner =
                Path.of(PahoInteropIT.class.getResource("/paho/run_shard.py").toURI());
        TestEnv.peer("python3");
        Set<String> named5 = new TreeSet<>();
        NAMED_PARTS_5.forEach(named5::addAll);
        List<Part> parts = List.of(
                new Part("MQTT 3.1.1", "3", "except", Set.of()),
                new Part("MQTT 5 (1 of 3)", "5", "only", NAMED_PARTS_5.get(0)),
                new Part("MQTT 5 (2 of 3)", "5", "only", NAMED_PARTS_5.get(1)),
                new Part("MQTT 5 (3 of 3)", "5", "except", named5));
        List<Running> gateways = new ArrayList<>();
        // Threads of its own: CompletableFuture's default pool on a 2-core box ran the parts one after the other.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                long startedAt = System.nanoTime();
                // One after the other: started side by side on 2 cores they took as long (6-11 s against 9 s).
                for (int i = 0; i < parts.size(); i++) {
                    gateways.add(start("paho" + i));
                }
                System.out.printf(
                        "%d gateways started and warmed up in %d s%n",
                        gateways.size(),
                        Duration.ofNanos(System.nanoTime() - startedAt).toSeconds());
                List<CompletableFuture<List<String>>> runs = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    Part part = parts.get(i);
                    int port = gateways.get(i).port;
                    runs.add(CompletableFuture.supplyAsync(
                            () -> assertPart(
                                    part,
                                    p -> run(runner, pahoDir, port, p),
                                    part.version().equals("3") ? KNOWN_FAILING_3 : KNOWN_FAILING_5),
                            threads));
                }
                List<String> ran3 = join(runs.get(0));
                List<String> ran5 = new ArrayList<>();
                for (CompletableFuture<List<String>> run : runs.subList(1, runs.size())) {
                    ran5.addAll(join(run));
                }
                assertThat(ran3).as("every test of the MQTT 3.1.1 suite ran").hasSize(10);
                assertThat(ran5)
                        .as("every test of the MQTT 5 suite ran, in exactly one part")
                        .hasSize(27)
                        .doesNotHaveDuplicates()
                        .containsAll(named5);
                for (Running gateway : gateways) {
                    assertThat(gateway.process.isAlive()).as("gateway alive").isTrue();
                }
            } finally {
                // Before the executor's close waits for the parts: a part still running then fails at once.
                for (Running gateway : gateways) {
                    gateway.close();
                }
            }
        }
    }

    /**
     * The suite's timing is sleeps of a second or so between a publish and its check, and some checks race (
     * {@code test_request_response} publishes the request before it waited for the responder's SUBACK), so a gateway
     * slowed by a loaded machine can fail a test that passes otherwise: a test that fails outside the known list runs
     * once more on its own, and only a test that fails both times fails the build. A part whose set-up failed (no test
     * ran) runs once more whole.
     *
     * @return the tests the part ran, from the runner's {@code selected:} line
     */
    private static List<String> assertPart(Part part, Function<Part, String> run, Set<String> knownFailing) {
        long started = System.nanoTime();
        String output = run.apply(part);
        if (setUpFailed(output)) {
            System.err.printf("%s: the suite's set-up failed, running the part once more:%n%s%n", part.name(), output);
            output = run.apply(part);
        }
        System.out.printf(
                "%s: %d s%n",
                part.name(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
        List<String> ran = selected(part.name(), output);
        Set<String> newlyFailing = newlyFailing(part.name(), output, knownFailing);
        if (!newlyFailing.isEmpty()) {
            System.err.printf("%s: %s failed, running them once more:%n%s%n", part.name(), newlyFailing, output);
            Part again = new Part(part.name() + ", again", part.version(), "only", Set.copyOf(newlyFailing));
            output = run.apply(again);
            newlyFailing.retainAll(newlyFailing(again.name(), output, knownFailing));
        }
        assertThat(newlyFailing)
                .as("%s: tests that passed before and fail now, twice in a row (output:%n%s)", part.name(), output)
                .isEmpty();
        return ran;
    }

    /**
     * The suite's class set-up ({@code setUpClass}: it cleans sessions and retained messages) failed, so no test ran; on a
     * loaded box its first connections can miss the Paho client's 0.5 s CONNACK timeout.
     */
    private static boolean setUpFailed(String output) {
        Matcher m = FAILED.matcher(output);
        while (m.find()) {
            if (!m.group(2).startsWith("test_")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> selected(String name, String output) {
        Matcher selected = SELECTED.matcher(output);
        assertThat(selected.find())
                .as("%s: the runner said what it selected (output:%n%s)", name, output)
                .isTrue();
        return List.of(selected.group(1).trim().split(" "));
    }

    private static Set<String> newlyFailing(String name, String output, Set<String> knownFailing) {
        Matcher ran = RAN.matcher(output);
        assertThat(ran.find())
                .as("%s: the suite ended with its summary (output:%n%s)", name, output)
                .isTrue();
        assertThat(Integer.parseInt(ran.group(1)))
                .as("%s: every selected test ran (output:%n%s)", name, output)
                .isEqualTo(selected(name, output).size());
        Set<String> failing = new TreeSet<>();
        Matcher m = FAILED.matcher(output);
        while (m.find()) {
            if (!knownFailing.contains(m.group(2))) {
                failing.add(m.group(2));
            }
        }
        return failing;
    }

    private static <T> T join(CompletableFuture<T> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failure) {
                throw failure;
            }
            throw e;
        }
    }

    private record Running(GatewayProcess process, int port) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            process.close();
        }
    }

    private Running start(String id) throws IOException, InterruptedException {
        Path config = dir.resolve(id + ".yaml");
        // Anonymous loopback listener, as a local bus; Kafka unreachable on purpose: the suites only talk MQTT and
        // what they publish waits in the spool.
        Files.writeString(config, """
                gateway: {id: %s, dataDir: %s}
                mqtt:
                  listeners: [{host: 127.0.0.1, port: 0}]
                kafka: {bootstrapServers: "127.0.0.1:1"}
                routes:
                  - {name: all, from: "#", to: fog.interop}
                http: {host: 127.0.0.1, port: 0}
                """.formatted(id, dir.resolve(id)));
        GatewayProcess gateway = GatewayProcess.start(config);
        int port = gateway.awaitPorts(Duration.ofSeconds(90)).mqttPort();
        warmUp(port);
        return new Running(gateway, port);
    }

    /**
     * Paho's clients wait 0.5 s for a CONNACK; the first connections into a JVM that has just started (its connect
     * and publish paths not yet compiled) can take longer on a loaded machine, and the suite then fails in its
     * set-up before any test ran. A few round trips first, as any long-running gateway has had.
     */
    private static void warmUp(int port) {
        for (int i = 0; i < 20; i++) {
            Mqtt5BlockingClient client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("paho-warm-up-" + i)
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .buildBlocking();
            client.connect();
            client.publishWith()
                    .topic("warm-up/" + i)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(new byte[] {1})
                    .send();
            client.disconnect();
        }
    }

    private String run(Path runner, Path pahoDir, int port, Part part) {
        try {
            Path output = Files.createTempFile(dir, "paho-part-", ".txt");
            Process p = new ProcessBuilder(
                            "python3",
                            "-B",
                            runner.toString(),
                            pahoDir.toString(),
                            Integer.toString(port),
                            part.version(),
                            part.mode(),
                            String.join(",", part.tests()))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!p.waitFor(SUITE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                String sofar = Files.readString(output);
                throw new AssertionError(part.name() + " still running after " + SUITE_TIMEOUT
                        + "; its output so far:\n" + sofar.substring(Math.max(0, sofar.length() - 4_000)));
            }
            return Files.readString(output);
        } catch (IOException e) {
            throw new AssertionError(part.name() + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(part.name() + " interrupted", e);
        }
    }

    /**
     * The Paho peer's directory (its {@code run.sh} marks it): {@code -Dfogbridge.paho.dir}, else {@code shared/peers/paho-mqtt-testing}
     * beside the project root (CI checks the project out next to {@code shared}). Missing fails in CI.
     */
    private static Path pahoDir() {
        Optional<Path> found = Optional.ofNullable(System.getProperty("fogbridge.paho.dir"))
                .map(Path::of)
                .or(() -> {
                    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
                        Path candidate = d.resolveSibling("shared").resolve("peers/paho-mqtt-testing");
                        if (Files.isDirectory(candidate)) {
                            return Optional.of(candidate);
                        }
                    }
                    return Optional.empty();
                })
                .filter(d -> Files.isRegularFile(d.resolve("run.sh")));
        if (found.isPresent()) {
            return found.get();
        }
        String message = "Eclipse Paho's interop suite not found (../shared/peers/paho-mqtt-testing beside the project,"
                + " or -Dfogbridge.paho.dir)";
        if (TestEnv.ci()) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}

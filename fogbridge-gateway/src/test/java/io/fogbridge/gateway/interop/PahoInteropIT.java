package io.fogbridge.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fogbridge.gateway.fault.GatewayProcess;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eclipse Paho's MQTT interoperability suite (a third-party peer in {@code ../shared/peers/paho-mqtt-testing}, run
 * from there, never copied) against the real gateway's device port, MQTT 3.1.1 and MQTT 5 at once, each against a
 * gateway of its own (both suites use the same client ids, so one broker would have them take over each other's
 * sessions).
 *
 * <p>Proves: every test of both suites runs, and none fails that passed on 2026-12-04 (3.1.1: 8 of 10; 5: 22 of 27).
 * The known failures are listed with their cause in RELIABILITY.md ("MQTT conformance"). A change that makes one of
 * them pass is welcome and shows here as a shorter failure list; a change that breaks another test fails the build.
 *
 * <p>The suites are mostly sleeps (the 5 suite about 160 s), so both run in parallel.
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

    @TempDir
    Path dir;

    @Test
    void pahoSuitesPassNoFewerTestsThanBefore() throws Exception {
        Path runScript = pahoRunScript();
        TestEnv.peer("python3");
        try (Running gateway3 = start("paho3");
                Running gateway5 = start("paho5")) {
            CompletableFuture<Void> suite3 = CompletableFuture.runAsync(
                    () -> assertSuite("MQTT 3.1.1", () -> run(runScript, gateway3.port, "3"), 10, KNOWN_FAILING_3));
            CompletableFuture<Void> suite5 = CompletableFuture.runAsync(
                    () -> assertSuite("MQTT 5", () -> run(runScript, gateway5.port, "5"), 27, KNOWN_FAILING_5));
            join(suite3);
            join(suite5);
            assertThat(gateway3.process.isAlive()).as("3.1.1 gateway alive").isTrue();
            assertThat(gateway5.process.isAlive()).as("5 gateway alive").isTrue();
        }
    }

    /**
     * The suite's timing is sleeps of a second or so between a publish and its check, so a gateway slowed by a loaded
     * machine can fail a test that passes otherwise: a suite with a failure outside the known list runs once more, and
     * only a test that fails both times fails the build.
     */
    private static void assertSuite(String name, Supplier<String> suite, int tests, Set<String> knownFailing) {
        String output = suite.get();
        Set<String> newlyFailing = newlyFailing(name, output, tests, knownFailing);
        if (!newlyFailing.isEmpty()) {
            System.err.printf("%s: %s failed, running the suite once more:%n%s%n", name, newlyFailing, output);
            String again = suite.get();
            newlyFailing.retainAll(newlyFailing(name, again, tests, knownFailing));
            output = again;
        }
        assertThat(newlyFailing)
                .as("%s: tests that passed before and fail now, twice in a row (output:%n%s)", name, output)
                .isEmpty();
    }

    private static Set<String> newlyFailing(String name, String output, int tests, Set<String> knownFailing) {
        Matcher ran = RAN.matcher(output);
        assertThat(ran.find())
                .as("%s: the suite ended with its summary (output:%n%s)", name, output)
                .isTrue();
        assertThat(Integer.parseInt(ran.group(1)))
                .as("%s: every test of the suite ran (output:%n%s)", name, output)
                .isEqualTo(tests);
        Set<String> failing = new TreeSet<>();
        Matcher m = FAILED.matcher(output);
        while (m.find()) {
            if (!knownFailing.contains(m.group(2))) {
                failing.add(m.group(2) + " " + m.group(1));
            }
        }
        return failing;
    }

    private static void join(CompletableFuture<Void> suite) throws Exception {
        try {
            suite.get();
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
                  listeners: [{host: 127.0.0.1, port: %d}]
                kafka: {bootstrapServers: "127.0.0.1:1"}
                routes:
                  - {name: all, from: "#", to: fog.interop}
                http: {host: 127.0.0.1, port: %d}
                """.formatted(id, dir.resolve(id), TestEnv.freePort(), TestEnv.freePort()));
        GatewayProcess gateway = GatewayProcess.start(config);
        String ready = gateway.awaitReady(Duration.ofSeconds(90)); // READY mqtt=[port] http=port
        Matcher m = Pattern.compile("mqtt=\\[(\\d+)").matcher(ready);
        assertThat(m.find()).as("READY line names the MQTT port: %s", ready).isTrue();
        int port = Integer.parseInt(m.group(1));
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

    private static String run(Path runScript, int port, String version) {
        try {
            Process p = new ProcessBuilder("bash", runScript.toString(), Integer.toString(port), version)
                    .redirectErrorStream(true)
                    .start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return ("read failed: " + e).getBytes(StandardCharsets.UTF_8);
                }
            });
            if (!p.waitFor(SUITE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("Paho " + version + " suite still running after " + SUITE_TIMEOUT);
            }
            return new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError("Paho " + version + " suite could not run", e);
        }
    }

    /**
     * {@code run.sh} of the Paho peer: {@code -Dfogbridge.paho.dir}, else {@code shared/peers/paho-mqtt-testing}
     * beside the project root (CI checks the project out next to {@code shared}). Missing fails in CI.
     */
    private static Path pahoRunScript() {
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
                .map(d -> d.resolve("run.sh"))
                .filter(Files::isRegularFile);
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

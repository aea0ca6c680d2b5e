package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.config.SpoolSettings;
import io.fogbridge.mqtt.EmbeddedBrokerOptions;
import io.fogbridge.mqtt.ListenerAddress;
import io.fogbridge.spool.SpoolOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code config check} refuses everything {@code run} refuses, with the same line naming file, line and key, and
 * neither prints a stack trace (issue 22, item 8). Each row is a rule a stage used to apply only at start, after the
 * check had said OK; both commands run in this JVM through the real CLI. A config that passes the check must also be
 * one the stages' own option records take ({@link #whatTheCheckAcceptsTheStagesTake}).
 */
class ConfigParityTest {

    /** Keeps a gateway that does start (a rule the check misses) on loopback and free ports, off Kafka. */
    static final String QUIET = """
            mqtt: {listeners: [{host: 127.0.0.1, port: 0}]}
            http: {host: 127.0.0.1, port: 0}
            """;

    @TempDir
    static Path dir;

    static final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "parity-run");
        thread.setDaemon(true); // a run that starts a gateway blocks until the JVM ends
        return thread;
    });

    @AfterAll
    static void stopRunner() {
        runner.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            spool bounds      | spool: {maxBytes: 64MiB, segmentBytes: 64MiB}    | 1 | spool.maxBytes: spool.maxBytes (64MiB) must be at least twice spool.segmentBytes (64MiB)
            spool segment set | spool: {segmentBytes: 1GiB}                      | 1 | spool.segmentBytes: spool.maxBytes (1GiB) must be at least twice spool.segmentBytes (1GiB)
            payload limit     | devices: {maxPayload: 256MiB}                    | 1 | devices.maxPayload: expected a size between 1 and 255MiB, got '256MiB'
            ack timeout       | devices: {ackTimeout: 500ms}                     | 1 | devices.ackTimeout: 500ms is shorter than 1s (the embedded broker counts whole seconds)
            command tenants   | commands: {enabled: true}                        | 1 | commands.enabled: commands.enabled is true but commands.tenants lists no tenant
            producer property | kafka.properties: {linger.ms: soon}              | 1 | kafka.properties: Invalid value soon for configuration linger.ms: Not a number of type LONG
            client protocol   | kafka.properties: {security.protocol: TLS}       | 1 | kafka.properties: Invalid value TLS for configuration security.protocol
            consumer property | kafka.properties: {fetch.min.bytes: lots}        | 1 | kafka.properties: Invalid value lots for configuration fetch.min.bytes: Not a number of type INT
            """)
    void configCheckAndRunRefuseAlikeNamingFileLineAndKey(String rule, String yaml, int line, String keyAndMessage)
            throws Exception {
        Path file = Files.writeString(
                dir.resolve(rule.replace(' ', '-') + ".yaml"),
                yaml + "\nkafka.bootstrapServers: 127.0.0.1:1\n" + "gateway.dataDir: "
                        + dir.resolve("data-" + rule.replace(' ', '-')) + "\n" + QUIET);
        String expected = file + ":" + line + ": " + keyAndMessage;

        Outcome check = cli("config", "check", file.toString());
        Outcome run = cli("run", "--config", file.toString());

        assertThat(check.exitCode())
                .as("config check's exit code; it printed:\n%s", check.text())
                .isEqualTo(1);
        assertThat(run.exitCode())
                .as("run's exit code; it printed:\n%s", run.text())
                .isEqualTo(1);
        String fromCheck = check.lineStartingWith(expected);
        assertThat(fromCheck).as("config check printed:\n%s", check.text()).isNotNull();
        assertThat(run.lineStartingWith(expected))
                .as("run printed:\n%s", run.text())
                .isEqualTo(fromCheck);
        assertThat(check.text() + run.text()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void whatTheCheckAcceptsTheStagesTake() throws Exception {
        // the file: 64 MiB with the default segment size of 64 MiB used to pass the check and fail the spool
        GatewayConfig config = ConfigLoader.load(
                "config.yaml", "kafka: {bootstrapServers: 127.0.0.1:1}\nspool: {maxBytes: 64MiB}\n", Map.of());
        SpoolSettings spool = config.spool();
        SpoolOptions.builder(dir.resolve("spool"))
                .maxBytes(spool.maxBytes())
                .segmentBytes(spool.segmentBytes())
                .build();
        assertThat(spool.segmentBytes()).isEqualTo(16L << 20);

        GatewayConfig largest = ConfigLoader.load(
                "config.yaml",
                "kafka: {bootstrapServers: 127.0.0.1:1}\ndevices: {maxPayload: 255MiB, ackTimeout: 1s}\n",
                Map.of());
        EmbeddedBrokerOptions.builder(dir.resolve("broker"))
                .listeners(List.of(new ListenerAddress("127.0.0.1", 0)))
                .maxPayloadBytes(Math.toIntExact(largest.devices().maxPayload()))
                .ackTimeout(largest.devices().ackTimeout())
                .build();
    }

    @Test
    void configCheckSaysOkToAFileRunTakes() throws Exception {
        Path file = Files.writeString(
                dir.resolve("ok.yaml"), "kafka: {bootstrapServers: 127.0.0.1:1}\nspool: {maxBytes: 64MiB}\n");

        Outcome check = cli("config", "check", file.toString());

        assertThat(check.exitCode()).as(check.text()).isZero();
        assertThat(check.text()).contains("OK " + file);
    }

    record Outcome(int exitCode, String text) {
        /** The first line that starts with {@code start}, or null. */
        String lineStartingWith(String start) {
            return text.lines().filter(l -> l.startsWith(start)).findFirst().orElse(null);
        }
    }

    /** The CLI in this JVM, as bin/fogbridge runs it but without System.exit; what it printed to stdout and stderr. */
    static synchronized Outcome cli(String... args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            Future<Integer> exit = runner.submit(() -> Main.commandLine().execute(args));
            try {
                return new Outcome(exit.get(20, TimeUnit.SECONDS), printed.toString(StandardCharsets.UTF_8));
            } catch (TimeoutException e) {
                return new Outcome(
                        -1,
                        printed.toString(StandardCharsets.UTF_8) + "\n(still running after " + Duration.ofSeconds(60)
                                + ": the gateway started)");
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}

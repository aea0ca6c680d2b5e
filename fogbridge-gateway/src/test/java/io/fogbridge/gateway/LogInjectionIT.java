package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.gateway.cli.Main;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log injection (issue 22, item 7): what a device or client sends must never forge, hide or blow up a log line. A
 * real gateway process ({@code fogbridge run}, its own logback configuration, stderr to a file) is fed by real
 * clients: {@code curl} with a Basic-auth user name holding a newline and a forged ERROR line, a 60 KB user name and a
 * {@code %00} in the path; {@code mosquitto_pub} with a newline in its MQTT user name. Each event must give exactly one
 * log line, of bounded length, and the log must hold no NUL.
 */
class LogInjectionIT {

    /** A line a forger would like to see standing on its own in the gateway's log. */
    static final String FORGED = "00:00:00.000 ERROR [fogbridge-spool-writer] i.f.s.SegmentedSpool - spool CORRUPT,"
            + " dropping all records";
    /** Longer than any line this test provokes may be once escaped and cut (200 characters of each value). */
    static final int MAX_LINE = 2_000;

    @TempDir
    static Path dir;

    static KafkaBroker kafka;
    static Process gateway;
    static Path log;
    static int httpPort;
    static int mqttPort;

    @BeforeAll
    static void start() throws Exception {
        TestEnv.peer("curl");
        TestEnv.peer("mosquitto_pub");
        kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
        String hash = PasswordHasher.hash("pw".toCharArray(), 4);
        Files.writeString(dir.resolve("devices.yaml"), """
                tenants:
                  acme:
                    devices:
                      sensor-1: {credentials: [{type: hashed-password, hash: "%s"}]}
                """.formatted(hash));
        httpPort = TestEnv.freePort();
        mqttPort = TestEnv.freePort();
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                gateway: {id: edge-logs, dataDir: "%1$s/data"}
                mqtt: {listeners: [{host: 127.0.0.1, port: %2$d}], registry: "%1$s/devices.yaml"}
                kafka: {bootstrapServers: "%3$s"}
                http: {host: 127.0.0.1, port: 0}
                adapters: {http: {enabled: true, host: 127.0.0.1, port: %4$d, anonymous: false}}
                """.formatted(
                        dir.toAbsolutePath(), mqttPort, kafka.bootstrapServers(), httpPort));
        log = dir.resolve("gateway.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                Main.class.getName(),
                "run",
                "--config",
                config.toString()));
        gateway = new ProcessBuilder(command)
                .redirectError(log.toFile())
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aNewlineInAnHttpUserNameDoesNotForgeALine() throws Exception {
        int status = curl("-u", "inj-http\n" + FORGED + "@acme:pw", url("/telemetry"));

        assertThat(status).isEqualTo(401);
        assertOneBoundedLine("inj-http");
    }

    @Test
    void aSixtyKilobyteUserNameGivesAShortLine() throws Exception {
        int status = curl("-u", "inj-big-" + "A".repeat(60_000) + "@acme:pw", url("/telemetry"));

        assertThat(status).isEqualTo(401);
        String line = assertOneBoundedLine("inj-big-");
        assertThat(line).contains("more)");
        System.out.printf(
                "log injection: a 60,000-character user name gave one log line of %d characters%n", line.length());
    }

    @Test
    void aNulInThePathIsEscaped() throws Exception {
        int status = curl(
                "-u",
                "sensor-1@acme:pw",
                url("/telemetry/acme/inj-nul%00" + "%0A"
                        + java.net.URLEncoder.encode(FORGED, StandardCharsets.UTF_8)
                                .replace("+", "%20")));

        assertThat(status).isEqualTo(403);
        String line = assertOneBoundedLine("inj-nul");
        assertThat(line).contains("inj-nul\\u0000\\n");
    }

    @Test
    void aNewlineInAnMqttUserNameDoesNotForgeALine() throws Exception {
        assertThat(mosquittoPub("inj-mqtt-nl", "inj-mqtt\n" + FORGED + "@acme"))
                .as("mosquitto_pub must be refused")
                .isNotZero();

        // HiveMQ refuses a user name with a control character as a malformed CONNECT before our authenticator sees
        // it; should it ever pass one on, the refusal must still be a single line
        assertAtMostOneBoundedLine("inj-mqtt\\n");
    }

    @Test
    void aLineSeparatorInAnMqttUserNameIsEscaped() throws Exception {
        assertThat(mosquittoPub("inj-mqtt-ls", "inj-mqtt-ls\u2028" + FORGED + "\u202e@acme"))
                .as("mosquitto_pub must be refused")
                .isNotZero();

        String line = assertOneBoundedLine("inj-mqtt-ls\\u2028");
        assertThat(line).contains("\\u202e").doesNotContain("\u2028", "\u202e");
    }

    // ---- helpers ----

    /**
     * Waits for the log line that names {@code marker} and checks the whole log: that line is the only one naming
     * it, no line is the forged one or longer than {@link #MAX_LINE}, and the file holds no NUL byte.
     */
    static String assertOneBoundedLine(String marker) throws Exception {
        List<String> naming = awaitLinesNaming(marker);
        assertThat(naming)
                .as(() -> "log lines naming " + marker + " in\n" + tail())
                .hasSize(1);
        assertWholeLogIsSafe(marker);
        return naming.getFirst();
    }

    /** As {@link #assertOneBoundedLine}, where the gateway may log nothing about the event. */
    static void assertAtMostOneBoundedLine(String marker) throws Exception {
        assertThat(awaitLinesNaming(marker))
                .as(() -> "log lines naming " + marker + " in\n" + tail())
                .hasSizeLessThanOrEqualTo(1);
        assertWholeLogIsSafe(marker);
    }

    private static List<String> awaitLinesNaming(String marker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> naming = List.of();
        while (System.nanoTime() < deadline) {
            naming = lines().stream().filter(l -> l.contains(marker)).toList();
            if (!naming.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        return naming;
    }

    /**
     * No line naming {@code marker} beside the one, no forged line, no line longer than {@link #MAX_LINE}, no NUL
     * byte anywhere.
     */
    private static void assertWholeLogIsSafe(String marker) throws Exception {
        Thread.sleep(300); // a forged or split continuation would be written with the same event
        List<String> lines = lines();
        assertThat(lines.stream().filter(l -> l.contains(marker))).hasSizeLessThanOrEqualTo(1);
        assertThat(lines).noneMatch(l -> l.startsWith(FORGED.substring(0, 12)));
        assertThat(lines).allMatch(l -> !l.contains("spool CORRUPT") || l.contains("refused"));
        assertThat(lines).allMatch(l -> l.length() <= MAX_LINE, "every log line at most " + MAX_LINE + " chars");
        byte[] bytes = Files.readAllBytes(log);
        for (byte b : bytes) {
            assertThat(b).as("a NUL byte in the gateway log").isNotEqualTo((byte) 0);
        }
    }

    static String tail() {
        List<String> lines;
        try {
            lines = lines();
        } catch (IOException e) {
            return e.toString();
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** mosquitto_pub with that user name and a password; returns its exit code. */
    static int mosquittoPub(String clientId, String user) throws Exception {
        Process pub = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(mqttPort),
                        "-i",
                        clientId,
                        "-u",
                        user,
                        "-P",
                        "pw",
                        "-t",
                        "telemetry",
                        "-m",
                        "x")
                .redirectErrorStream(true)
                .start();
        assertThat(pub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        return pub.exitValue();
    }

    static List<String> lines() throws IOException {
        return List.of(Files.readString(log, StandardCharsets.UTF_8).split("\n", -1));
    }

    static String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** A POST with curl; returns the HTTP status. */
    static int curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                TestEnv.peer("curl").toString(),
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-m",
                "15",
                "-g",
                "-X",
                "POST"));
        command.addAll(List.of("--data", "{}"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("curl %s exited %d", command, curl.exitValue()).matches("[0-9]{3}");
        return Integer.parseInt(out);
    }

    static void awaitReady() throws Exception {
        BufferedReader stdout =
                new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (stdout.readLine() != null) {
                    // drained so the gateway never blocks on a full pipe
                }
            } catch (IOException ignored) {
                // the gateway exited
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains("gateway edge-logs started")) {
                return;
            }
            if (!gateway.isAlive()) {
                throw new AssertionError("gateway exited with " + gateway.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gateway not started within 60 s:\n" + Files.readString(log));
    }
}

package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fogbridge doctor} on this box: its exit code follows the failures, and each finding comes with advice. */
class DoctorCommandTest {

    @TempDir
    Path dir;

    @Test
    void aKafkaNameThatDoesNotResolveFailsWithAdvice() {
        Result r = doctor("--data-dir", dir.toString(), "--kafka", "no-such-kafka.invalid:9092", "--fsyncs", "20");

        assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
        assertThat(r.out())
                .contains("[FAIL] kafka: no-such-kafka.invalid does not resolve")
                .contains("forwards nothing until the name resolves")
                .contains("doctor: a check failed");
    }

    @Test
    void aKafkaThatAnswersPassesAndTheFsyncLatencyIsMeasured() throws Exception {
        try (ServerSocket kafka = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Result r = doctor(
                    "--data-dir", dir.toString(), "--kafka", "127.0.0.1:" + kafka.getLocalPort(), "--fsyncs", "20");

            assertThat(r.out()).contains("[ok]   kafka: 127.0.0.1:" + kafka.getLocalPort());
            assertThat(r.out())
                    .containsPattern("fsync: 20 × 512 B write \\+ fdatasync: p50 [0-9.]+ ms, p99 [0-9.]+ ms");
            assertThat(r.out()).contains("with spool.fsync: group (now group) a QoS 1 PUBACK waits about");
            assertThat(r.out()).contains("jdk: " + Runtime.version().feature());
            assertThat(r.out()).contains("clock: ");
            assertThat(r.out()).contains("data dir: " + dir.toAbsolutePath());
            // nothing else may fail on a build box (memory, data dir); warnings are fine
            assertThat(r.exitCode()).as(r.out()).isZero();
        }
        try (var left = Files.list(dir)) {
            assertThat(left).as("the probe file is removed").isEmpty();
        }
    }

    @Test
    void theConfigsDataDirSpoolAndKafkaAreChecked() throws Exception {
        Path config = dir.resolve("gw.yaml");
        Files.writeString(
                config,
                "gateway: {id: d, dataDir: " + dir.resolve("data") + "}\n"
                        + "kafka: {bootstrapServers: \"no-such-kafka.invalid:9092\"}\n"
                        + "spool: {fsync: \"interval:50\"}\n");

        Result r = doctor("--config", config.toString(), "--fsyncs", "10");

        assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
        assertThat(r.out())
                .contains("data dir: " + dir.resolve("data").toAbsolutePath())
                .contains("(now interval:50)");
    }

    private record Result(int exitCode, String out) {}

    private static Result doctor(String... args) {
        DoctorCommand command = new DoctorCommand();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new CommandLine(command).execute(args);
        return new Result(code, bytes.toString(StandardCharsets.UTF_8));
    }
}

package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.ChildJvm;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, "OutOfMemoryError is fatal": a running gateway ({@code fogbridge run} in a child JVM) in which a thread
 * dies of an Error ends at once, with a non-zero exit code and one line in its log saying what and where, instead of
 * living on half dead.
 */
class FatalErrorIT {

    @TempDir
    Path dir;

    @Test
    void anErrorOnAnyThreadEndsTheGatewayWithAClearLine() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            Path config = Files.writeString(
                    dir.resolve("gateway.yaml"),
                    GatewayYaml.of(
                            "fatal-it",
                            dir.resolve("gateway"),
                            TestEnv.freePort(),
                            TestEnv.freePort(),
                            kafka.bootstrapServers()));
            Path stderr = dir.resolve("stderr.log");
            List<String> jvm = new ArrayList<>(CoapFloodIT.LAUNCHER_JVM_OPTIONS);
            jvm.add("-Dstderr.file=" + stderr);
            try (ChildJvm gateway =
                    ChildJvm.start(GatewayWithInjectedError.class, jvm, "run", "--config", config.toString())) {
                String line;
                do {
                    line = gateway.readLine();
                    assertThat(line)
                            .as("READY before the gateway exited; its log:\n%s", read(stderr))
                            .isNotNull();
                } while (!line.startsWith("READY "));

                gateway.stdin().write("throw\n".getBytes(StandardCharsets.UTF_8));
                gateway.stdin().flush();

                int exit = gateway.waitFor(30, TimeUnit.SECONDS);
                String log = read(stderr);
                assertThat(exit)
                        .as("exit code (-1 = still running 30 s later); log:\n%s", log)
                        .isEqualTo(70);
                assertThat(log.lines().filter(l -> l.contains("FATAL")))
                        .as(log)
                        .singleElement()
                        .asString()
                        .contains("java.lang.StackOverflowError: injected by FatalErrorIT")
                        .contains("on thread injected-error")
                        .contains("halting the process (exit code 70)");
            }
        }
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}

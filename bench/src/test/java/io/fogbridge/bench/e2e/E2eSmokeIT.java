package io.fogbridge.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end benchmark's smoke run, so the harness cannot rot: Kafka, the gateway (its distribution when
 * the gateway module was packaged, else this classpath), the load generator and the verifying consumer, each
 * its own process, 20,000 QoS 1 messages from 10 clients. It asserts what must hold on any machine: every
 * acknowledged message is in Kafka, in per-device order. It never asserts time.
 */
class E2eSmokeIT {

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedMessageArrivesInOrder() throws Exception {
        Path dist = Path.of("..", "fogbridge-gateway", "target");
        Report report = E2eBench.run(new String[] {
            "--scenario", "custom",
            "--name", "smoke",
            "--clients", "10",
            "--messages", "20000",
            "--window", "2",
            "--warmup", "0",
            "--ceiling-s", "0",
            "--mqtt-ceiling-s", "0", // the default for custom runs; said here so the smoke run stays short
            "--work-dir", work.toString(),
            "--gateway-dist", Files.isDirectory(dist.resolve("lib")) ? dist.toString() : "",
        });

        assertThat(report.failures()).isEmpty();
        RunResult run = report.runs().getFirst();
        assertThat(run.acked()).as("messages acknowledged by the gateway").isEqualTo(20_000);
        assertThat(run.unconfirmed())
                .as("publishes refused or never acknowledged")
                .isZero();
        assertThat(run.missing()).as("acknowledged but not in Kafka").isZero();
        assertThat(run.reordered())
                .as("records after a later one of the same device")
                .isZero();
        assertThat(run.received()).as("records read back").isGreaterThanOrEqualTo(20_000);
    }
}

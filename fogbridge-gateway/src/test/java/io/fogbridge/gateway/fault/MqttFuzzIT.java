package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT packet fuzzing against the embedded broker's listener, from a seed ({@link MqttFuzzer}): 50 connections × 200
 * packets in CI mode, 200 × 1,000 in long mode, all at once, of random and mutated CONNECT, PUBLISH and SUBSCRIBE
 * packets over plain sockets, while two well-behaved devices publish QoS 1 telemetry all along.
 *
 * <p>Proves: the gateway survives (still ready, a new device connects and gets PUBACKs); the good devices never see
 * a failed publish and everything they were acknowledged is in Kafka, in order; and nothing malformed reaches Kafka:
 * every other record in any topic is a publish the fuzzer's bytes framed validly, on a topic routed to that Kafka
 * topic.
 */
class MqttFuzzIT {

    @TempDir
    Path dir;

    @Test
    void fuzzedPacketsNeitherDisturbGoodDevicesNorReachKafkaMalformed() throws Exception {
        FaultRun run = FaultRun.begin(getClass().getSimpleName());
        int connections = run.size(50, 200);
        int packetsEach = run.size(200, 1_000);
        Map<String, Set<String>> allowed = MqttFuzzer.allowList();
        AtomicLong connects = new AtomicLong();
        AtomicLong packets = new AtomicLong();
        try (UplinkRig rig = UplinkRig.kafka(run, dir, false)) {
            rig.startGateway(dir, Clock.systemUTC(), null, extraYaml());
            int port = rig.mqttPort();
            try (DeviceFleet fleet = new DeviceFleet("t1", 2, port, Duration.ofMillis(20))) {
                fleet.start();
                rig.awaitAcks(fleet, 50, Duration.ofSeconds(60));
                long before = fleet.acked();
                long started = System.nanoTime();
                List<Future<?>> fuzzers = new ArrayList<>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < connections; i++) {
                        MqttFuzzer fuzzer =
                                new MqttFuzzer(port, i, run.random().nextLong(), allowed, connects, packets);
                        fuzzers.add(pool.submit(() -> {
                            fuzzer.run(packetsEach);
                            return null;
                        }));
                    }
                    for (Future<?> f : fuzzers) {
                        f.get(5, TimeUnit.MINUTES);
                    }
                }
                Duration fuzzing = Duration.ofNanos(System.nanoTime() - started);
                long ackedDuring = fleet.acked() - before;
                System.out.printf(
                        "%s: %d packets on %d connections in %d ms; good devices got %d PUBACKs meanwhile%n",
                        run.tag(), packets.get(), connects.get(), fuzzing.toMillis(), ackedDuring);

                assertThat(Readyz.fetch(rig.gateway().httpPort()).ready())
                        .as("%s: still ready after the fuzzing", run.tag())
                        .isTrue();
                long recoverStart = System.nanoTime();
                SequencedDevice newcomer = new SequencedDevice("t1", "newcomer", port, Duration.ofMillis(20));
                newcomer.start();
                await(run.tag() + ": a device connecting after the fuzzing gets PUBACKs")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> newcomer.ackedCount() >= 20);
                Duration newcomerAcked = Duration.ofNanos(System.nanoTime() - recoverStart);
                newcomer.stop();
                fleet.stop();
                Map<String, List<Long>> acked = new LinkedHashMap<>(fleet.ackedByDevice());
                acked.put(newcomer.device(), newcomer.acked());
                DeliveryCheck check = rig.verify(acked);
                assertThat(fleet.failures())
                        .as("%s: the good devices saw no failed publish (last: %s)", run.tag(), fleet.lastFailure())
                        .isZero();

                List<KafkaDump.Found> other;
                try (Admin admin = rig.broker().admin()) {
                    other = KafkaDump.allTopicsExcept(admin, rig.broker().directBootstrapServers(), UplinkRig.TOPIC);
                }
                List<String> malformed = new ArrayList<>();
                for (KafkaDump.Found f : other) {
                    Set<String> topics = allowed.get(HexFormat.of().formatHex(f.value()));
                    boolean ok = topics != null
                            && topics.stream()
                                    .anyMatch(t -> t.isEmpty() || routesTo(t).equals(f.topic()));
                    if (!ok && malformed.size() < 10) {
                        malformed.add(f.topic() + ": " + HexFormat.of().formatHex(f.value()));
                    }
                }
                System.out.printf(
                        "%s: %d fuzzer records in Kafka (%d distinct publishes framed validly)%n",
                        run.tag(), other.size(), allowed.size());
                assertThat(malformed)
                        .as("%s: records in Kafka that no validly framed fuzzer publish carried", run.tag())
                        .isEmpty();
                run.record(
                        "MQTT fuzzing: " + connections + " connections × " + packetsEach
                                + " random/mutated CONNECT, PUBLISH, SUBSCRIBE packets (" + packets.get() + " sent, "
                                + connects.get() + " connects)",
                        "the good devices: PUBACKs throughout (" + ackedDuring + " during the fuzzing), 0 failed;"
                                + " the gateway stays ready",
                        "nothing: "
                                + acked.values().stream().mapToLong(List::size).sum()
                                + " good messages acknowledged, all in Kafka; "
                                + other.size() + " fuzzer records in Kafka, all validly framed publishes on routed"
                                + " topics, 0 malformed",
                        "none needed: a new device got 20 PUBACKs " + FaultRun.seconds(newcomerAcked)
                                + " after the fuzzing; " + check.duplicates() + " replayed repeats");
            }
        }
    }

    /** The Kafka topic the default routes give an MQTT topic ({@code telemetry/<tenant>/...} → fog.telemetry.tenant). */
    private static String routesTo(String mqttTopic) {
        String[] levels = mqttTopic.split("/", -1);
        return levels.length >= 3 && levels[0].equals("telemetry") ? "fog.telemetry." + levels[1] : "?";
    }

    /** Added to the gateway's config file ({@link MqttFuzzWithoutRelayIT}: without the device relay); null for nothing. */
    String extraYaml() {
        return null;
    }
}

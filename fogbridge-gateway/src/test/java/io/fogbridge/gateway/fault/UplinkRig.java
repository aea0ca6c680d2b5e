package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.Gateway;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.fault.TelemetryTopic.Delivered;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.FaultProxy;
import io.fogbridge.testkit.TestEnv;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the in-process fault tests share: a real single-node Kafka (optionally behind a {@link FaultProxy}, so the
 * link can be stalled), one gateway in this JVM publishing to it, and the checks at the end.
 *
 * <p>The gateway's config: embedded MQTT broker on a free loopback port, {@code fsync: group} (every PUBACK waits for
 * an fsync: the guarantee under test), {@code whenFull: block}, plus whatever the test adds ({@code spool.maxAge},
 * adapters). Kafka is read back on its internal listener, never through the proxy, so the check itself cannot stall.
 *
 * <p>Not thread-safe: the test thread drives it. Close it (try-with-resources): gateway, proxy, then Kafka.
 */
public final class UplinkRig implements AutoCloseable {

    /** The topic {@code telemetry/t1/<device>} is routed to. */
    public static final String TOPIC = "fog.telemetry.t1";

    private final FaultRun run;
    private final KafkaBroker kafka;
    private final FaultProxy proxy;
    private Gateway gateway;
    private TelemetryTopic topic;
    /** Incremental view of the topic: messages seen so far, by device. */
    private final Map<String, Set<Long>> seen = new HashMap<>();

    private int readUpTo;

    private UplinkRig(FaultRun run, KafkaBroker kafka, FaultProxy proxy) {
        this.run = run;
        this.kafka = kafka;
        this.proxy = proxy;
    }

    /** Kafka, with a proxy between it and the gateway when {@code proxied}; no gateway yet. */
    public static UplinkRig kafka(FaultRun run, Path dir, boolean proxied) {
        KafkaBroker kafka;
        FaultProxy proxy = null;
        if (proxied) {
            int brokerPort = TestEnv.freePort();
            proxy = FaultProxy.start("127.0.0.1", brokerPort);
            kafka = KafkaBroker.builder(dir.resolve("kafka"))
                    .port(brokerPort)
                    .advertisedPort(proxy.port())
                    .start();
        } else {
            kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
        }
        kafka.createTopic(TOPIC, 3);
        return new UplinkRig(run, kafka, proxy);
    }

    /**
     * Starts the gateway on {@code clock} with {@code extraYaml} appended to the base config ({@code spool:} given
     * there replaces the base's spool section: later keys win).
     */
    public Gateway startGateway(Path dir, Clock clock, String spoolYaml, String extraYaml) throws Exception {
        String yaml = String.join(
                "\n",
                "gateway: {id: fault-" + run.seed() % 1000 + ", dataDir: \""
                        + dir.resolve("gateway").toAbsolutePath() + "\"}",
                "mqtt: {listeners: [{host: 127.0.0.1, port: 0}]}",
                "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\"}",
                spoolYaml == null
                        ? "spool: {maxBytes: 512MiB, fsync: group, whenFull: block, segmentBytes: 4MiB}"
                        : spoolYaml,
                "http: {host: 127.0.0.1, port: 0}",
                extraYaml == null ? "" : extraYaml,
                "");
        gateway = Gateway.start(ConfigLoader.load("fault.yaml", yaml, Map.of()), clock);
        return gateway;
    }

    public KafkaBroker broker() {
        return kafka;
    }

    public FaultProxy proxy() {
        return proxy;
    }

    public Gateway gateway() {
        return gateway;
    }

    public int mqttPort() {
        return gateway.mqttPorts().get(0);
    }

    /** Records waiting in the spool. */
    public long backlog() {
        return gateway.spool().stats().records();
    }

    /** Waits until {@code fleet} has {@code n} more PUBACKs than now. */
    public void awaitAcks(DeviceFleet fleet, long n, Duration timeout) {
        long target = fleet.acked() + n;
        await(run.tag() + ": devices get " + n + " more PUBACKs (" + fleet.summary() + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> fleet.acked() >= target);
    }

    /**
     * Waits until every message in {@code acked} is in Kafka and returns how long that took: the time to recover,
     * when {@code acked} is what devices were promised up to the end of a fault. Kafka must be up.
     */
    public Duration awaitInKafka(Map<String, List<Long>> acked, Duration timeout) {
        long start = System.nanoTime();
        await(run.tag() + ": every message acknowledged so far reaches Kafka")
                .atMost(timeout)
                .pollInterval(Duration.ZERO)
                .until(() -> {
                    readNew();
                    return acked.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), Set.of())
                            .containsAll(e.getValue()));
                });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void readNew() {
        if (topic == null) {
            topic = new TelemetryTopic(kafka.directBootstrapServers(), TOPIC);
        }
        List<Delivered> all = topic.poll();
        for (; readUpTo < all.size(); readUpTo++) {
            TelemetryPayload p = TelemetryPayload.parse(all.get(readUpTo).value());
            if (p != null) {
                seen.computeIfAbsent(p.device(), d -> new HashSet<>()).add(p.seq());
            }
        }
    }

    /**
     * Stops the devices, waits for the spool to drain and checks the delivery invariants ({@link DeliveryCheck}) on
     * everything in the topic: every PUBACKed message present, unchanged, first copies in order per device, repeats
     * only as replays (same {@code fog-seq}). Returns the check (for its figures); fails the test if it does not hold.
     */
    public DeliveryCheck verify(DeviceFleet fleet) throws InterruptedException {
        fleet.stop();
        System.out.println(run.tag() + ": " + fleet.summary());
        return verify(fleet.ackedByDevice());
    }

    /** As {@link #verify(DeviceFleet)} for devices the test stopped itself: device → acknowledged sequence numbers. */
    public DeliveryCheck verify(Map<String, List<Long>> acked) {
        await(run.tag() + ": the spool drains")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> backlog() == 0);
        awaitInKafka(acked, Duration.ofSeconds(60));
        List<Delivered> records = topic.readToEnd(Duration.ofSeconds(60));
        DeliveryCheck check = DeliveryCheck.run(acked, records, true);
        System.out.println(run.tag() + ": " + records.size() + " records in " + TOPIC + ", " + check.duplicates()
                + " replayed repeats");
        assertThat(check.ok()).as("%s: %s", run.tag(), check.report()).isTrue();
        assertThat(gateway.spool().stats().drops().values())
                .as(
                        "%s: nothing dropped: %s",
                        run.tag(), gateway.spool().stats().drops())
                .allMatch(n -> n == 0);
        return check;
    }

    @Override
    public void close() {
        try {
            if (topic != null) {
                topic.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            kafka.close();
        }
    }
}

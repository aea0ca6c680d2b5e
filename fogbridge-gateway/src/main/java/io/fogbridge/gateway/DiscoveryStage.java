package io.fogbridge.gateway;

import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.config.DiscoveryScan;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.discovery.Discovery;
import io.fogbridge.gateway.discovery.ProposalRecords;
import io.fogbridge.gateway.discovery.ScheduledScans;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled field scans ({@code discovery}): one thread of their own, off the data path, runs the {@link
 * ScheduledScans} that are due and sleeps until the next is; what they find goes to {@code fog.twin.<tenant>} as
 * proposals ({@link ProposalRecords}) through a producer of its own with the gateway's {@code kafka.*} client
 * properties. Not spooled: the next round finds the same devices. Without scans it is nothing.
 */
final class DiscoveryStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryStage.class);
    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final ScheduledScans scans;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService thread;

    private DiscoveryStage(ScheduledScans scans, KafkaProducer<String, byte[]> producer) {
        this.scans = scans;
        this.producer = producer;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fogbridge-discovery");
            t.setDaemon(true);
            return t;
        });
    }

    /** The scans this stage runs; their latest rounds are the console's. */
    ScheduledScans scans() {
        return scans;
    }

    /**
     * Null when {@code discovery} lists no scan. A live change of the section ({@link LiveConfig}) closes the running
     * stage and starts one with the new list, so a scan that is removed stops after the round it may be in.
     */
    static DiscoveryStage start(GatewayConfig config, Clock clock, MeterRegistry registry, StartedStages stages) {
        if (config.discovery().isEmpty()) {
            return null;
        }
        Map<String, Object> props = new HashMap<>(config.kafka().properties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SEND_TIMEOUT_SECONDS * 1000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_SECONDS * 1000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_SECONDS * 1000 / 2);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "fogbridge-discovery");
        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        String gatewayId = config.gateway().id();
        ScheduledScans scans = new ScheduledScans(
                config.discovery(),
                Discovery::scanner,
                (scan, found) -> publish(producer, gatewayId, clock, scan, found),
                clock,
                registry);
        DiscoveryStage stage = stages.push(new DiscoveryStage(scans, producer));
        stage.thread.execute(stage::round);
        log.info(
                "discovery: {} scan(s): {}",
                config.discovery().size(),
                config.discovery().stream().map(DiscoveryScan::describe).toList());
        return stage;
    }

    private void round() {
        Duration wait;
        try {
            wait = scans.runDue();
        } catch (RuntimeException e) {
            // A scanner's bug must not end the schedule silently; the next round is a minute away at most.
            log.warn("discovery round failed: {}", e.toString());
            wait = Duration.ofMinutes(1);
        }
        if (!thread.isShutdown()) {
            thread.schedule(this::round, Math.max(10, wait.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private static void publish(
            KafkaProducer<String, byte[]> producer,
            String gatewayId,
            Clock clock,
            DiscoveryScan scan,
            List<ProposedDevice> found)
            throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProposedDevice device : found) {
            acks.add(producer.send(new ProducerRecord<>(
                    "fog.twin." + scan.tenant(),
                    ProposalRecords.key(device),
                    ProposalRecords.toJson(new ProposalRecords.Report(
                            gatewayId, scan.tenant(), scan.name(), clock.instant(), device)))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SEND_TIMEOUT_SECONDS);
        for (Future<RecordMetadata> ack : acks) {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** Idempotent: a stage replaced live is closed then, and again with the gateway. */
    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(5));
    }
}

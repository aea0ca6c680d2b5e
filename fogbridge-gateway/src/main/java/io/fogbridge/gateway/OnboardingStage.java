package io.fogbridge.gateway;

import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.twin.NewcomerRecords;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.NewcomersFile;
import io.fogbridge.registry.OnboardingQueue;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plug-and-play onboarding's report: once a second, the newcomers the device registry's {@link OnboardingQueue}
 * holds go to {@code <gateway.dataDir>/newcomers.yaml} when they changed ({@link NewcomersFile}, for {@code fogbridge
 * device approve}), and with {@code devices.reportNewcomers} to {@code fog.twin.<tenant>} ({@link NewcomerRecords}),
 * where the operator turns each into a Device resource. A newcomer is sent when it appears or changes state, and again
 * every {@link #RESEND} while it stays (an operator that was down meanwhile still learns of it; creating the Device is
 * idempotent there). Not spooled: the list is state, and the next round carries it again. The gauge {@code
 * fogbridge_devices_pending} counts the devices held pending. One thread.
 */
final class OnboardingStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnboardingStage.class);
    static final Duration RESEND = Duration.ofMinutes(1);

    private final OnboardingQueue queue;
    private final Path file;
    private final String gatewayId;
    private final KafkaProducer<String, byte[]> producer;
    private final Clock clock;
    private final ScheduledExecutorService rounds;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private List<Newcomer> written = List.of();

    private record Sent(boolean admitted, Instant at) {}

    private OnboardingStage(
            OnboardingQueue queue, Path file, String gatewayId, KafkaProducer<String, byte[]> producer, Clock clock) {
        this.queue = queue;
        this.file = file;
        this.gatewayId = gatewayId;
        this.producer = producer;
        this.clock = clock;
        this.rounds = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fogbridge-onboarding");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Null when the directory is not the gateway's own registry (nothing to onboard into). */
    static OnboardingStage start(
            GatewayConfig config,
            DeviceDirectory directory,
            Path dataDir,
            Clock clock,
            MeterRegistry registry,
            StartedStages stages) {
        if (!(directory instanceof DeviceRegistry devices)) {
            return null;
        }
        OnboardingQueue queue = devices.onboarding();
        Gauge.builder("fogbridge.devices.pending", queue, q -> q.list().stream()
                        .filter(n -> !n.admitted())
                        .count())
                .description("Certificate devices held pending approval (plug-and-play onboarding)")
                .register(registry);
        KafkaProducer<String, byte[]> producer = null;
        if (config.devices().reportNewcomers()) {
            Map<String, Object> props = new HashMap<>(config.kafka().properties());
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "fogbridge-onboarding");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        OnboardingStage stage = stages.push(new OnboardingStage(
                queue, dataDir.resolve(NewcomersFile.NAME), config.gateway().id(), producer, clock));
        stage.rounds.scheduleWithFixedDelay(stage::round, 1, 1, TimeUnit.SECONDS);
        return stage;
    }

    private void round() {
        try {
            List<Newcomer> now = queue.list();
            if (!now.equals(written)) {
                NewcomersFile.write(file, now);
                written = now;
            }
            if (producer != null) {
                send(now);
            }
        } catch (IOException | RuntimeException e) {
            // The next round tries again; a dead thread would end the reports silently.
            log.warn("onboarding: newcomers not reported: {}", e.toString());
        }
    }

    private void send(List<Newcomer> newcomers) {
        Instant now = clock.instant();
        sent.keySet().retainAll(newcomers.stream().map(Newcomer::name).toList());
        for (Newcomer newcomer : newcomers) {
            Sent last = sent.get(newcomer.name());
            if (last != null
                    && last.admitted() == newcomer.admitted()
                    && now.isBefore(last.at().plus(RESEND))) {
                continue;
            }
            sent.put(newcomer.name(), new Sent(newcomer.admitted(), now));
            producer.send(
                    new ProducerRecord<>(
                            "fog.twin." + newcomer.tenant(),
                            NewcomerRecords.key(newcomer),
                            NewcomerRecords.toJson(gatewayId, newcomer)),
                    (metadata, e) -> {
                        if (e != null) {
                            log.warn("onboarding: {} not reported: {}", newcomer.name(), e.toString());
                            sent.remove(newcomer.name()); // sent again next round
                        }
                    });
            log.info(
                    "onboarding: {} ({}) reported {} to fog.twin.{}",
                    newcomer.name(),
                    newcomer.subject(),
                    newcomer.admitted() ? "admitted" : "pending",
                    newcomer.tenant());
        }
    }

    @Override
    public void close() throws InterruptedException {
        rounds.shutdownNow();
        rounds.awaitTermination(5, TimeUnit.SECONDS);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}

package io.fogbridge.gateway;

import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.SessionListener;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.config.TwinSettings;
import io.fogbridge.gateway.twin.DeviceStatusWriter;
import io.fogbridge.gateway.twin.KafkaTwinSink;
import io.fogbridge.gateway.twin.TwinDevices;
import io.fogbridge.gateway.twin.TwinReporter;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.gateway.twin.TwinTap;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin ({@code twin.*}): a {@link TwinTap} in front of the pipeline and the session events, and one thread that
 * every round (a second, or half the report interval when shorter) re-reads the twin map when its file changed, hands
 * what the tap heard to the {@link TwinReporter}, and lets it write what is due to the Devices' status (directly, or
 * through {@code fog.twin.<tenant>} with {@code twin.target: kafka}). Disabled, it
 * is nothing: the front is what it was given.
 */
final class TwinStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TwinStage.class);

    /** What devices send to, and what hears their sessions. */
    record Front(Uplink uplink, SessionListener sessions) {}

    private final TwinSettings settings;
    private final TwinTap tap;
    private final TwinReporter reporter;
    private final ScheduledExecutorService rounds;
    private FileTime readAt;
    private String lastProblem;

    private TwinStage(TwinSettings settings, TwinTap tap, TwinReporter reporter) {
        this.settings = settings;
        this.tap = tap;
        this.reporter = reporter;
        this.rounds = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fogbridge-twin");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The front for {@code activity}: itself when the twin is off, else a tap around it whose rounds have begun. */
    static <A extends Uplink & SessionListener> Front start(
            GatewayConfig config, A activity, Clock clock, MeterRegistry registry, StartedStages stages)
            throws IOException {
        TwinSettings settings = config.twin();
        if (!settings.enabled()) {
            return new Front(activity, activity);
        }
        Counter written = Counter.builder("fogbridge_twin_writes")
                .tag("result", "written")
                .description("Device status writes of the twin")
                .register(registry);
        Counter failed = Counter.builder("fogbridge_twin_writes")
                .tag("result", "failed")
                .description("Device status writes of the twin")
                .register(registry);
        TwinTap tap = new TwinTap(activity, activity);
        TwinSink writer;
        if (settings.toKafka()) {
            KafkaTwinSink kafka = new KafkaTwinSink(
                    config.kafka().bootstrapServers(), config.kafka().properties(), update -> tap.devices()
                            .tenantOf(update.namespace(), update.device()));
            stages.push(kafka);
            writer = kafka;
        } else {
            writer = new DeviceStatusWriter(settings.apiServer(), settings.tokenFile(), settings.caFile(), clock);
        }
        TwinSink counted = batch -> {
            List<TwinUpdate> notWritten = writer.write(batch);
            written.increment(batch.size() - notWritten.size());
            failed.increment(notWritten.size());
            return notWritten;
        };
        TwinStage stage = stages.push(new TwinStage(
                settings,
                tap,
                new TwinReporter(counted, clock, settings.reportInterval(), TwinReporter.DEFAULT_LAST_SEEN_REFRESH)));
        stage.reload();
        long roundMillis = Math.max(
                50, Math.min(1000, settings.reportInterval().dividedBy(2).toMillis()));
        stage.rounds.scheduleWithFixedDelay(stage::round, roundMillis, roundMillis, TimeUnit.MILLISECONDS);
        log.info(
                "twin: {} devices from {}, status to {} at most every {}",
                tap.devices().size(),
                settings.devicesFile(),
                settings.toKafka() ? "fog.twin.<tenant>" : settings.apiServer(),
                settings.reportInterval());
        return new Front(tap, tap);
    }

    private void round() {
        try {
            reload();
            tap.drainInto(reporter);
            reporter.flush();
        } catch (RuntimeException e) {
            // The next round tries again; a dead thread would end the twin silently.
            log.warn("twin round failed: {}", e.toString());
        }
    }

    /** Reads the twin map again when its file changed (the kubelet swaps the mounted Secret's files atomically). */
    private void reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(settings.devicesFile());
            if (modified.equals(readAt)) {
                return;
            }
            TwinDevices devices = TwinDevices.read(settings.devicesFile());
            readAt = modified;
            tap.devices(devices);
            reporter.retain(devices::serves);
            lastProblem = null;
            log.debug("twin: {} devices from {}", devices.size(), settings.devicesFile());
        } catch (IOException e) {
            // Kept as it was: a half-written or missing file must not drop every twin. Said once per problem.
            boolean neverRead = readAt == null && tap.devices().size() == 0;
            readAt = null;
            if (!e.toString().equals(lastProblem)) {
                lastProblem = e.toString();
                if (neverRead && e instanceof NoSuchFileException) {
                    // A pod's first start: the directory watch writes the map once it has listed the Devices.
                    log.info("twin: {} not there yet; no device has a twin until it is", settings.devicesFile());
                } else {
                    log.warn("twin: {} not read, keeping the previous devices: {}", settings.devicesFile(), e);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        rounds.shutdownNow();
        rounds.awaitTermination(5, TimeUnit.SECONDS);
    }
}

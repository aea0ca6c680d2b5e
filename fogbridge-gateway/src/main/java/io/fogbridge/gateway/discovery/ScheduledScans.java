package io.fogbridge.gateway.discovery;

import io.fogbridge.api.discovery.FieldScanner;
import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.config.DiscoveryScan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's scheduled field scans ({@code discovery} in gateway.yaml): {@link #runDue} runs, one after the other,
 * every scan whose round is due, hands what each found to a {@link Publisher} (Kafka, {@code fog.twin.<tenant>}), and
 * says when the next is due. Each scan is bounded by its scanner (a timeout per network step, a cap on connections at
 * once; see {@link FieldScanner}). A scan that fails, or whose proposals were not all published, logs one line and
 * runs again at its next round; nothing is kept to publish later, since the next round finds the same devices.
 * Every round publishes all it found again: the operator creates a Device once and answers later proposals of the
 * same name with "known", so a rescan neither duplicates nor changes one.
 *
 * <p>Meters: {@code fogbridge.discovery.scans{scan,result=ok|failed}}, {@code fogbridge.discovery.proposals{scan}}.
 * {@link #runDue} is called by one thread at a time; {@link #latest} from any.
 */
public final class ScheduledScans {

    private static final Logger log = LoggerFactory.getLogger(ScheduledScans.class);

    /** Where proposals go. */
    @FunctionalInterface
    public interface Publisher {
        /**
         * Publishes one round's proposals of {@code scan} and returns once all were taken.
         *
         * @throws Exception some were not (the round counts as failed; the next one publishes them again)
         */
        void publish(DiscoveryScan scan, List<ProposedDevice> found) throws Exception;
    }

    /**
     * The latest round of a scan, for the console.
     *
     * @param found   what it found (and published), empty when it failed
     * @param failure why the round failed, in a few words; null when it did not
     */
    public record Round(DiscoveryScan scan, Instant at, Duration took, List<ProposedDevice> found, String failure) {}

    private final List<DiscoveryScan> scans;
    private final Function<String, FieldScanner> scanners;
    private final Publisher publisher;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Instant> due = new LinkedHashMap<>();
    private final Map<String, Round> latest = new ConcurrentHashMap<>();

    /** @param scanners the scanner of a protocol ({@link Discovery#scanner}) */
    public ScheduledScans(
            List<DiscoveryScan> scans,
            Function<String, FieldScanner> scanners,
            Publisher publisher,
            Clock clock,
            MeterRegistry registry) {
        this.scans = List.copyOf(scans);
        this.scanners = scanners;
        this.publisher = publisher;
        this.clock = clock;
        this.registry = registry;
        Instant now = clock.instant();
        scans.forEach(scan -> due.put(scan.name(), now));
    }

    /** Runs the scans that are due, in the configured order; returns the time until the next one is. */
    public Duration runDue() {
        for (DiscoveryScan scan : scans) {
            if (!clock.instant().isBefore(due.get(scan.name()))) {
                Instant started = clock.instant();
                due.put(scan.name(), started.plus(scan.every()));
                latest.put(scan.name(), run(scan, started));
            }
        }
        Instant now = clock.instant();
        return due.values().stream()
                .map(next -> Duration.between(now, next))
                .min(Duration::compareTo)
                .map(wait -> wait.isNegative() ? Duration.ZERO : wait)
                .orElse(Duration.ofHours(1));
    }

    /** The latest round of each scan that ran, in the configured order. */
    public List<Round> latest() {
        List<Round> rounds = new ArrayList<>();
        scans.forEach(scan -> {
            Round round = latest.get(scan.name());
            if (round != null) {
                rounds.add(round);
            }
        });
        return rounds;
    }

    private Round run(DiscoveryScan scan, Instant started) {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        List<ProposedDevice> found;
        try (PrintStream progress = new PrintStream(said, true, StandardCharsets.UTF_8)) {
            found = scanners.apply(scan.protocol()).scan(scan.args(), progress);
            publisher.publish(scan, found);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(scan, started, "interrupted (the gateway stops)");
        } catch (Exception e) {
            return failed(scan, started, reason(e));
        } finally {
            said.toString(StandardCharsets.UTF_8)
                    .lines()
                    .forEach(line -> log.debug("discovery {}: {}", scan.name(), line));
        }
        count(scan, "ok");
        Counter.builder("fogbridge.discovery.proposals")
                .tag("scan", scan.name())
                .description("Devices the gateway's scheduled scans found and proposed (again every round)")
                .register(registry)
                .increment(found.size());
        Duration took = Duration.between(started, clock.instant());
        log.info(
                "discovery: scan {} found {} device(s) in {} ms, proposed to fog.twin.{}",
                scan.describe(),
                found.size(),
                took.toMillis(),
                scan.tenant());
        return new Round(scan, started, took, found, null);
    }

    private Round failed(DiscoveryScan scan, Instant started, String reason) {
        count(scan, "failed");
        log.warn("discovery: scan {} failed: {}; next round in {}", scan.describe(), reason, scan.every());
        return new Round(scan, started, Duration.between(started, clock.instant()), List.of(), reason);
    }

    private void count(DiscoveryScan scan, String result) {
        Counter.builder("fogbridge.discovery.scans")
                .tag("scan", scan.name())
                .tag("result", result)
                .description("Rounds of the gateway's scheduled field scans")
                .register(registry)
                .increment();
    }

    /** A cause a person can act on: an asynchronous failure's own, and a timeout said as one. */
    static String reason(Throwable e) {
        while (e instanceof ExecutionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}

package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps each device's twin (connected, last seen, latest property values) and writes it to a {@link TwinSink} with
 * bounded churn:
 *
 * <ul>
 *   <li>at most one write per device per {@code reportInterval} (default 10 s): observations in between only update
 *       what the next write will carry (latest wins);
 *   <li>only on change: a device is written when its connection state or a property value differs from what was last
 *       written; {@code lastSeen} alone is refreshed no more than once per {@code lastSeenRefresh} (default 60 s);
 *   <li>batched: {@link #flush} hands every device that is due to the sink in one call.
 * </ul>
 *
 * So a device sending 50 messages a second for 60 s causes at most 60 s / 10 s + 1 = 7 writes. The clock is a
 * parameter so tests control time. Devices are named by their Device resource ({@code namespace/name}); the gateway's
 * {@link TwinTap} maps its {@code tenant/device} ids to them. Thread-safe: observations come from the gateway's threads, {@link #flush} from
 * one reporting thread.
 */
public final class TwinReporter {

    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LAST_SEEN_REFRESH = Duration.ofSeconds(60);

    private final TwinSink sink;
    private final Clock clock;
    private final Duration reportInterval;
    private final Duration lastSeenRefresh;
    private final Map<Key, Twin> twins = new HashMap<>();

    public TwinReporter(TwinSink sink, Clock clock, Duration reportInterval, Duration lastSeenRefresh) {
        this.sink = sink;
        this.clock = clock;
        this.reportInterval = reportInterval;
        this.lastSeenRefresh = lastSeenRefresh;
    }

    /** A message from the device: it is connected, seen now, and these properties have these values. */
    public void observe(String namespace, String device, Map<String, JsonNode> values) {
        observe(namespace, device, values, clock.instant());
    }

    /** A message from the device that arrived at {@code now}: it is seen then, and its properties had these values. */
    public synchronized void observe(String namespace, String device, Map<String, JsonNode> values, Instant now) {
        Twin twin = twins.computeIfAbsent(new Key(namespace, device), k -> new Twin());
        twin.connected = true;
        twin.lastSeen = now;
        values.forEach((name, value) -> {
            TwinUpdate.Reading previous = twin.values.get(name);
            if (previous == null || !previous.value().equals(value)) {
                twin.values.put(name, new TwinUpdate.Reading(value, now));
            }
        });
    }

    /** The device's connection opened or closed. */
    public synchronized void connection(String namespace, String device, boolean connected) {
        Twin twin = twins.computeIfAbsent(new Key(namespace, device), k -> new Twin());
        twin.connected = connected;
        twin.lastSeen = clock.instant();
    }

    /** Forgets the twins of devices no longer served (a Device deleted or moved): what it keeps stays bounded. */
    public synchronized void retain(java.util.function.BiPredicate<String, String> served) {
        twins.keySet().removeIf(key -> !served.test(key.namespace(), key.device()));
    }

    /** Writes every device that changed and whose interval has passed, in one batch; returns how many went. */
    public int flush() {
        List<TwinUpdate> due = new ArrayList<>();
        Instant now;
        synchronized (this) {
            now = clock.instant();
            twins.forEach((key, twin) -> {
                if (twin.due(now, reportInterval, lastSeenRefresh)) {
                    due.add(twin.update(key));
                }
            });
        }
        if (due.isEmpty()) {
            return 0;
        }
        List<TwinUpdate> failed = sink.write(due);
        synchronized (this) {
            for (TwinUpdate update : due) {
                Twin twin = twins.get(new Key(update.namespace(), update.device()));
                twin.writtenAt = now; // a failed write waits its interval too: no retry storm against the API server
                if (!failed.contains(update)) {
                    twin.written = update;
                }
            }
        }
        return due.size() - failed.size();
    }

    private record Key(String namespace, String device) {}

    /** One device's state and what was last written of it. Guarded by the reporter. */
    private static final class Twin {
        boolean connected;
        Instant lastSeen;
        final Map<String, TwinUpdate.Reading> values = new HashMap<>();
        TwinUpdate written;
        Instant writtenAt;

        boolean due(Instant now, Duration interval, Duration lastSeenRefresh) {
            if (writtenAt != null && now.isBefore(writtenAt.plus(interval))) {
                return false;
            }
            if (written == null) {
                return true;
            }
            boolean changed =
                    written.connected() != connected || !Objects.equals(valuesOf(written.reported()), valuesOf(values));
            boolean stale = lastSeen != null
                    && !lastSeen.equals(written.lastSeen())
                    && !now.isBefore(writtenAt.plus(lastSeenRefresh));
            return changed || stale;
        }

        TwinUpdate update(Key key) {
            return new TwinUpdate(key.namespace(), key.device(), connected, lastSeen, values);
        }

        private static Map<String, JsonNode> valuesOf(Map<String, TwinUpdate.Reading> readings) {
            Map<String, JsonNode> values = new HashMap<>();
            readings.forEach((name, reading) -> values.put(name, reading.value()));
            return values;
        }
    }
}

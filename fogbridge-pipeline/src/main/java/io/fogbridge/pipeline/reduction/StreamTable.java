package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.UplinkRecord;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One rule's streams, by device and MQTT topic, bounded: device ids and topics come from outside, so a sender
 * inventing new ones must not grow the gateway's memory without end.
 *
 * <p><b>Eviction.</b> When a new stream would pass {@code maxStreams}, the least recently seen tenth of the streams
 * (at least one; by arrival time of their latest record) is ended: each lets go of what it holds (an open window's
 * aggregate, a held record), so eviction loses no data that was pending, only memory of the past. An evicted stream
 * that comes back starts afresh: its next record is sent as the first one (a deadband has nothing to compare with,
 * a window starts empty). Evicting a tenth at once keeps the sort this takes to about {@code 10·log(maxStreams)}
 * comparisons per new stream, however fast new ids arrive. Concurrent inserts may pass the bound by the number of
 * threads inserting at that moment.
 *
 * <p>Thread-safe.
 */
final class StreamTable {

    /** A stream's identity within its rule. @param device empty when the record names none */
    record Key(String device, String topic) {}

    private final Map<Key, Stream> streams = new ConcurrentHashMap<>();
    private final int maxStreams;
    private final Supplier<Stream> newStream;
    private final ReductionMeters meters;
    private final Object evicting = new Object();

    StreamTable(int maxStreams, Supplier<Stream> newStream, ReductionMeters meters) {
        this.maxStreams = maxStreams;
        this.newStream = newStream;
        this.meters = meters;
    }

    /** The stream of {@code key}, made (and room made for it) when there is none. */
    Stream stream(Key key, Consumer<UplinkRecord> release) {
        Stream stream = streams.get(key);
        if (stream != null) {
            return stream;
        }
        if (streams.size() >= maxStreams) {
            evictLeastRecentlySeen(release);
        }
        return streams.computeIfAbsent(key, k -> newStream.get());
    }

    int size() {
        return streams.size();
    }

    /** Calls {@link Stream#due} on every stream. */
    void releaseDue(long now, Consumer<UplinkRecord> release) {
        for (Stream stream : streams.values()) {
            stream.due(now, release);
        }
    }

    /** Ends every stream: the stage is closing. */
    void endAll(Consumer<UplinkRecord> release) {
        for (Map.Entry<Key, Stream> entry : streams.entrySet()) {
            if (streams.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().end(release);
            }
        }
    }

    private void evictLeastRecentlySeen(Consumer<UplinkRecord> release) {
        synchronized (evicting) {
            if (streams.size() < maxStreams) {
                return; // another thread made room
            }
            long[] seen = streams.values().stream().mapToLong(Stream::lastSeen).toArray();
            Arrays.sort(seen);
            int victims = Math.max(1, seen.length / 10);
            long threshold = seen[victims - 1];
            int evicted = 0;
            for (Map.Entry<Key, Stream> entry : streams.entrySet()) {
                if (evicted == victims) {
                    break;
                }
                if (entry.getValue().lastSeen() <= threshold && streams.remove(entry.getKey(), entry.getValue())) {
                    entry.getValue().end(release);
                    evicted++;
                }
            }
            meters.evicted(evicted);
        }
    }
}

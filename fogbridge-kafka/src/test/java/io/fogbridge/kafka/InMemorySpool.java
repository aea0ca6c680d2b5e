package io.fogbridge.kafka;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolStats;
import io.fogbridge.api.SpooledRecord;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A tiny fake of OUR Spool contract for unit tests: per-lane lists, PRIORITY first, rewind to committed. */
final class InMemorySpool implements Spool, SpoolCursor {

    private final Map<Lane, List<SpooledRecord>> lanes = new EnumMap<>(Lane.class);
    private final Map<Lane, Long> committed = new EnumMap<>(Lane.class);
    private final Map<Lane, Integer> readPos = new EnumMap<>(Lane.class);
    private final List<String> commits = new ArrayList<>();

    InMemorySpool() {
        for (Lane lane : Lane.values()) {
            lanes.put(lane, new ArrayList<>());
            committed.put(lane, -1L);
            readPos.put(lane, 0);
        }
    }

    @Override
    public synchronized CompletableFuture<Long> append(Envelope envelope) {
        List<SpooledRecord> log = lanes.get(envelope.lane());
        long seq = log.size();
        log.add(new SpooledRecord(envelope.lane(), seq, System.currentTimeMillis(), envelope));
        notifyAll();
        return CompletableFuture.completedFuture(seq);
    }

    @Override
    public SpoolCursor cursor() {
        return this;
    }

    @Override
    public synchronized SpoolStats stats() {
        long records = 0;
        for (Lane lane : Lane.values()) {
            records += lanes.get(lane).size() - 1 - committed.get(lane);
        }
        return new SpoolStats(records, 0, -1, 0, 0, Map.of());
    }

    @Override
    public synchronized List<SpooledRecord> poll(int maxRecords, long maxWaitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxWaitMillis;
        while (available() == 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        List<SpooledRecord> out = new ArrayList<>();
        for (Lane lane : Lane.values()) { // PRIORITY first: declaration order
            List<SpooledRecord> log = lanes.get(lane);
            int pos = readPos.get(lane);
            while (pos < log.size() && out.size() < maxRecords) {
                out.add(log.get(pos++));
            }
            readPos.put(lane, pos);
        }
        return out;
    }

    private int available() {
        int n = 0;
        for (Lane lane : Lane.values()) {
            n += lanes.get(lane).size() - readPos.get(lane);
        }
        return n;
    }

    @Override
    public synchronized void commit(Lane lane, long sequence) {
        if (sequence > committed.get(lane)) {
            committed.put(lane, sequence);
            commits.add(lane.id() + ":" + sequence);
        }
    }

    @Override
    public synchronized void rewind() {
        for (Lane lane : Lane.values()) {
            readPos.put(lane, (int) (committed.get(lane) + 1));
        }
    }

    @Override
    public synchronized long committed(Lane lane) {
        return committed.get(lane);
    }

    synchronized List<String> commits() {
        return List.copyOf(commits);
    }

    @Override
    public void close() {}
}

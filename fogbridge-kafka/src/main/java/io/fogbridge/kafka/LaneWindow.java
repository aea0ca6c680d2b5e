package io.fogbridge.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * The records of one lane that were sent and not yet acknowledged, and how far the lane may be
 * committed: up to just before the oldest unacknowledged record. Acknowledgements can come out of
 * order (records of one lane go to many partitions); the commit point only moves over a contiguous
 * acknowledged prefix. Not thread-safe: the forwarder thread owns it.
 */
final class LaneWindow {

    /** sequence → creation time of every sent, unacknowledged record. */
    private final TreeMap<Long, Long> unacked = new TreeMap<>();

    private long highestSent = -1;
    /** Creation time of the oldest record that was outstanding when the window was reset, until the lane commits past it. */
    private long heldCreation = -1;

    void sent(long sequence, long creationTime) {
        unacked.put(sequence, creationTime);
        highestSent = Math.max(highestSent, sequence);
        heldCreation = -1; // the held record is re-sent (first after a rewind) and now tracked itself
    }

    /** Returns true if the record was outstanding (a late or repeated acknowledgement returns false). */
    boolean acked(long sequence) {
        return unacked.remove(sequence) != null;
    }

    /** The highest sequence all of whose predecessors are acknowledged, or -1 when nothing was sent. */
    long commitPoint() {
        return unacked.isEmpty() ? highestSent : unacked.firstKey() - 1;
    }

    int size() {
        return unacked.size();
    }

    /** Called after a commit: once the lane moves, the held creation time no longer describes a waiting record. */
    void committed() {
        heldCreation = -1;
    }

    /** Creation time of the oldest record this lane still owes Kafka, or -1. */
    long oldestCreation() {
        Map.Entry<Long, Long> first = unacked.firstEntry();
        if (first != null) {
            return heldCreation < 0 ? first.getValue() : Math.min(heldCreation, first.getValue());
        }
        return heldCreation;
    }

    /** Forgets everything sent (the cursor is rewound); keeps the oldest creation time for the lag. */
    void reset() {
        heldCreation = oldestCreation();
        unacked.clear();
        highestSent = -1;
    }
}

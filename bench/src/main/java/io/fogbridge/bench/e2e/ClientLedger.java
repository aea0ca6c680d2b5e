package io.fogbridge.bench.e2e;

import java.util.BitSet;

/**
 * What the verifying consumer saw from one load-generator client: which sequence numbers arrived, how often,
 * and in which order. A record is <em>reordered</em> when it arrives after a higher sequence number of the
 * same client (one client = one device = one Kafka key, so Kafka must keep its order). A <em>duplicate</em>
 * is a sequence number seen before (allowed by at-least-once, but counted). <em>Missing</em> means
 * acknowledged to the client (PUBACK) and never read from Kafka.
 *
 * <p>Not thread-safe: the consumer's poll thread owns it.
 */
final class ClientLedger {

    private final BitSet seen = new BitSet();
    private long highest = -1;
    private long unique;
    private long duplicates;
    private long reordered;

    void record(long seq) {
        int index = Math.toIntExact(seq);
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        unique++;
        if (seq < highest) {
            reordered++;
        } else {
            highest = seq;
        }
    }

    /** Acknowledged sequence numbers {@code 0 .. sent-1}, except {@code failed}, that never arrived. */
    long missing(long sent, BitSet failed) {
        long missing = 0;
        for (int seq = seen.nextClearBit(0); seq < sent; seq = seen.nextClearBit(seq + 1)) {
            if (failed == null || !failed.get(seq)) {
                missing++;
            }
        }
        return missing;
    }

    long unique() {
        return unique;
    }

    long duplicates() {
        return duplicates;
    }

    long reordered() {
        return reordered;
    }
}

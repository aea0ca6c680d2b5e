package io.fogbridge.bench;

import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import java.nio.file.Path;

/**
 * Builds the spool a gateway finds after a long outage and a reboot: {@code bytes} of unforwarded records, written by
 * the spool's own writer ({@link SegmentedSpool#append}) with the records the gateway's pipeline spools
 * ({@link BenchRecords#gatewayEnvelope}), nothing committed. {@code bench/spool-backlog.sh} starts a gateway on it.
 *
 * <pre>SpoolBacklog &lt;spool dir&gt; &lt;bytes&gt; &lt;spool.maxBytes&gt;</pre>
 */
public final class SpoolBacklog {

    private SpoolBacklog() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        long maxBytes = Long.parseLong(args[2]);
        SpoolOptions options = SpoolOptions.builder(dir)
                .fsync(FsyncPolicy.parse("interval:1000"))
                .maxBytes(maxBytes)
                .build();
        long start = System.nanoTime();
        int perRound = 100_000;
        long records = 0;
        try (SegmentedSpool spool = SegmentedSpool.open(options)) {
            long arrival = System.currentTimeMillis();
            while (spool.stats().bytes() < bytes) {
                ScratchSpool.append(spool, perRound, i -> BenchRecords.gatewayEnvelope(i % 1000, arrival));
                records += perRound;
            }
            System.out.printf(
                    "spool backlog: %,d records, %,d bytes on disk in %s, written in %.1f s%n",
                    spool.stats().records(), spool.stats().bytes(), dir, (System.nanoTime() - start) / 1e9);
        }
        if (records == 0) {
            throw new IllegalStateException("nothing written");
        }
    }
}

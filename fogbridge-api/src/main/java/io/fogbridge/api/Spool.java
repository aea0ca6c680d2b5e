package io.fogbridge.api;

import java.util.concurrent.CompletableFuture;

/**
 * The durable store-and-forward log between ingestion and the uplink.
 *
 * <p><b>Guarantee.</b> The future returned by {@link #append} completes only once the record is
 * as durable as the configured fsync policy promises ({@code group}: on disk after fsync, survives
 * power loss; {@code interval:<ms>}: handed to the OS, survives any process crash). Callers
 * acknowledge a device only then. Records are never lost after that, except by an explicit,
 * counted drop under the {@code drop-oldest} full policy.
 *
 * <p><b>Threads.</b> Implementations are thread-safe. {@code append} never blocks the calling
 * thread on I/O: it is called from the MQTT broker's small interceptor pool. Futures complete on
 * a spool thread; callers must not run long work in their completion stages.
 *
 * <p><b>Lifecycle.</b> {@link #close()} completes or fails every pending append, flushes, and
 * releases the files. Appends after close fail with {@link SpoolException.Closed}.
 */
public interface Spool extends AutoCloseable {

    /**
     * Appends one record to its lane.
     *
     * @return completes with the record's sequence in its lane when durable; completes
     *     exceptionally with {@link SpoolException.Full} when the spool is full and the policy is
     *     {@code drop-newest} (or {@code block} timed out), when a {@link QoS#AT_MOST_ONCE} record finds the spool
     *     full (whatever the policy: dropped and counted, never held in memory for room), or when the appends
     *     already waiting for the spool's writer are at their memory bound; {@link SpoolException.Closed} after close,
     *     or {@link SpoolException.Io} when the disk failed.
     */
    CompletableFuture<Long> append(Envelope envelope);

    /** The single reading position of the forwarder. There is one cursor per spool. */
    SpoolCursor cursor();

    /** A consistent snapshot of sizes and counters, cheap enough to call for every scrape. */
    SpoolStats stats();

    @Override
    void close();
}

package io.fogbridge.spool;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.QoS;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code fogbridge spool replay-parked <dir>}: appends every parked record ({@link ParkedRecords}) to its lane again,
 * so the gateway forwards it at its next start, and empties the parking area.
 *
 * <p>Offline on purpose: it opens the spool itself, so it refuses to run while a gateway holds the directory (stop
 * the gateway, fix the cause, replay, start it). That keeps one writer per spool and needs no second way into a
 * running gateway. The records keep their topic, key, headers, payload, creation time and lane; they get new
 * sequences (so a new {@code fog-seq}). Each replayed record is durable in its lane before the parking area forgets
 * it; a record whose append fails stays parked. A crash between the two replays those records again at the next
 * run: at least once, like everything else the spool delivers.
 */
public final class ParkedReplay {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int NOT_A_SPOOL = 2;

    private ParkedReplay() {}

    /** Replays the parking area of the spool in {@code dir}, reporting to {@code out}; returns the exit code. */
    public static int replay(Path dir, PrintStream out) {
        if (!SpoolInspector.isSpool(dir)) {
            out.println(dir + ": not a fogbridge spool");
            return NOT_A_SPOOL;
        }
        try (SegmentedSpool spool =
                SegmentedSpool.open(SpoolOptions.builder(dir).build())) {
            ParkedRecords parked = spool.parked();
            if (parked == null) {
                out.println(dir + ": read-only, cannot replay");
                return FAILED;
            }
            List<ParkedRecords.Entry> entries = ParkedRecords.read(dir);
            if (entries.isEmpty()) {
                out.println("no parked records");
                return OK;
            }
            List<CompletableFuture<Long>> appends = new ArrayList<>(entries.size());
            for (ParkedRecords.Entry e : entries) {
                Envelope env = e.record().envelope();
                // at least once: a QoS 0 record would be dropped at a full spool, and then lost from here too
                appends.add(spool.append(new Envelope(
                        env.topic(),
                        env.key(),
                        env.headers(),
                        env.payload(),
                        env.creationTime(),
                        QoS.AT_LEAST_ONCE,
                        env.lane())));
            }
            List<ParkedRecords.Entry> rest = new ArrayList<>();
            String firstFailure = null;
            for (int i = 0; i < entries.size(); i++) {
                try {
                    appends.get(i).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    rest.add(entries.get(i));
                    firstFailure = firstFailure == null ? String.valueOf(e.getCause()) : firstFailure;
                }
            }
            parked.keepOnly(rest);
            out.printf(
                    "replayed %d of %d parked records into the spool; they are forwarded when the gateway starts%n",
                    entries.size() - rest.size(), entries.size());
            if (!rest.isEmpty()) {
                out.println(rest.size() + " stay parked: " + firstFailure);
                return FAILED;
            }
            return OK;
        } catch (IOException e) {
            out.println("cannot open the spool (is the gateway still running? stop it first): " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }
}

package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the cursor's lane readers behave when the spool goes away under them. */
class LaneReaderTest {
    @TempDir
    Path dir;

    /** Daemon threads: a reader that spins must not keep the test JVM alive. */
    private final ExecutorService forwarder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-forwarder");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        forwarder.shutdownNow();
    }

    @Test
    void aPollAfterTheSpoolClosedUnderTheReaderReportsClosedInsteadOfSpinning() throws Exception {
        SegmentedSpool spool = SegmentedSpool.open(SpoolOptions.builder(dir).build());
        for (int i = 0; i < 3; i++) {
            spool.append(envelope(Lane.BULK, "r" + i)).get(5, TimeUnit.SECONDS);
        }
        SpoolCursor cursor = spool.cursor();
        spool.close(); // the segment channels are closed; the reader has not opened its position yet

        CompletableFuture<Object> polled = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return cursor.poll(10, 0);
                    } catch (Exception e) {
                        return e;
                    }
                },
                forwarder);

        // a bounded wait, not a timing claim: today's reader never returns from this poll
        assertThat(polled.get(30, TimeUnit.SECONDS)).isInstanceOf(SpoolException.Closed.class);
    }
}

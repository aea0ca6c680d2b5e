package io.fogbridge.pipeline;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** An in-memory fake of our Spool contract: records appends; completes them at once, on demand, or with a failure. */
final class FakeSpool implements Spool {

    final List<Envelope> appended = new ArrayList<>();
    final List<CompletableFuture<Long>> pending = new ArrayList<>();
    private RuntimeException failure;
    private boolean holdAppends;

    /** Later appends fail with this exception. */
    FakeSpool failWith(RuntimeException failure) {
        this.failure = failure;
        return this;
    }

    /** Later appends stay pending until the test completes them. */
    FakeSpool hold() {
        this.holdAppends = true;
        return this;
    }

    @Override
    public synchronized CompletableFuture<Long> append(Envelope envelope) {
        appended.add(envelope);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (holdAppends) {
            pending.add(future);
        } else {
            future.complete((long) appended.size() - 1);
        }
        return future;
    }

    @Override
    public SpoolCursor cursor() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SpoolStats stats() {
        return new SpoolStats(appended.size(), 0, -1, appended.size(), 0, Map.of());
    }

    @Override
    public void close() {}
}

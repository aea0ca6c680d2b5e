package io.fogbridge.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway has started so far, to close in reverse order: the last stage started (the one nearest the
 * devices) is the first to stop, so nothing is accepted that a later-closed stage could no longer carry.
 *
 * <p>Every stage is pushed before it is started, so a stage that fails half-way is closed too. Not thread-safe:
 * {@link Gateway} pushes from its starting thread and closes under its own lock.
 */
final class StartedStages {

    // The gateway's logger: operators look for these lines under its name.
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Remembers {@code stage} for {@link #closeAll()} and returns it. */
    <T extends AutoCloseable> T push(T stage) {
        started.push(stage);
        return stage;
    }

    /** Forgets {@code stage}, which its owner closed itself (a stage replaced by a live change). */
    void forget(AutoCloseable stage) {
        started.remove(stage);
    }

    /** Closes every stage, newest first; a stage that fails to close is logged and the rest still close. */
    void closeAll() {
        while (!started.isEmpty()) {
            AutoCloseable stage = started.pop();
            try {
                stage.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", stage.getClass().getSimpleName(), e.toString());
            }
        }
    }
}

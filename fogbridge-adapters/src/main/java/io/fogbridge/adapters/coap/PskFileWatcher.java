package io.fogbridge.adapters.coap;

import io.fogbridge.api.config.FileChange;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the DTLS endpoint's pre-shared keys in step with their file, so keys can be added, rotated and removed without
 * a restart.
 *
 * <p>Polls the file every {@code interval} (1 s in the adapter) through a {@link FileChange}, like the registry's
 * watcher. On a change the whole file is read again: new identities and changed keys are set in the store, identities no longer
 * listed are removed from it, and the open DTLS sessions of changed and removed identities are dropped so a device
 * cannot go on with a key the operator replaced (it must handshake again, with the new key). A file that does not
 * read is logged once (line number, never a key) and the previous keys stay in force.
 *
 * <p>Lifecycle: {@link #start()} after the DTLS endpoint exists, {@link #close()} stops polling. Thread-safe: one
 * polling thread does all the work.
 */
final class PskFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PskFileWatcher.class);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    /** Where the keys take effect: the DTLS connector's key store and its open sessions. */
    interface Target {
        void setKey(String identity, byte[] key);

        void removeKey(String identity);

        /** Ends the open DTLS sessions of {@code identity}; it must handshake again. */
        void dropSessions(String identity);
    }

    private final Path file;
    private final Target target;
    private final Duration interval;
    private Map<String, byte[]> current;
    private final FileChange change;
    private ScheduledExecutorService poller;

    /** @param initial the keys the target already holds; {@code initial.file()} is watched */
    PskFileWatcher(PskKeys initial, Target target, Duration interval) {
        this.file = initial.file();
        this.target = target;
        this.interval = interval;
        this.current = initial.keys();
        this.change = new FileChange(file);
    }

    void start() {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fogbridge-coap-psk-watch");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Checks the file now; normally called by the poller. */
    synchronized void poll() {
        try {
            if (!change.changed()) {
                return;
            }
            PskKeys next;
            try {
                next = PskKeys.load(file);
            } catch (IOException e) {
                change.failed();
                log.error("DTLS pre-shared keys not reloaded, the previous ones stay in force: {}", e.getMessage());
                return;
            }
            apply(next.keys());
            change.loaded();
        } catch (RuntimeException e) { // never let the poller die silently
            log.error("watching the DTLS pre-shared key file {} failed", file, e);
        }
    }

    private void apply(Map<String, byte[]> next) {
        Set<String> added = new HashSet<>();
        Set<String> changed = new HashSet<>();
        Set<String> removed = new HashSet<>(current.keySet());
        removed.removeAll(next.keySet());
        for (Map.Entry<String, byte[]> entry : next.entrySet()) {
            byte[] before = current.get(entry.getKey());
            if (before == null) {
                added.add(entry.getKey());
            } else if (!Arrays.equals(before, entry.getValue())) {
                changed.add(entry.getKey());
            } else {
                continue;
            }
            target.setKey(entry.getKey(), entry.getValue());
        }
        for (String identity : removed) {
            target.removeKey(identity);
        }
        current = next;
        for (String identity : changed) {
            target.dropSessions(identity);
        }
        for (String identity : removed) {
            target.dropSessions(identity);
        }
        log.info(
                "DTLS pre-shared keys reloaded from {}: {} identities; added {}, changed {}, removed {}",
                file,
                next.size(),
                added,
                changed,
                removed);
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}

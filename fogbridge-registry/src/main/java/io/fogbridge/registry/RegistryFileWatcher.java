package io.fogbridge.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link DeviceRegistry} from the registry file and reloads it when it changes.
 *
 * <p>Polls the file's modification time and size every {@code interval} (default 1 s) instead of a WatchService:
 * polling also sees a Kubernetes ConfigMap's symlink swap and files on network mounts, and costs one stat a second.
 * A file that does not parse on reload is logged (with the line) and the previous registry stays in force; the
 * same broken version is not reported again until it changes.
 *
 * <p>Lifecycle: {@link #start} reads the file once and fails if that first read fails (a gateway must not start
 * with no idea who its devices are); {@link #close()} stops polling. Thread-safe.
 */
public final class RegistryFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryFileWatcher.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final Path file;
    private final DeviceRegistry target;
    private final ScheduledExecutorService poller;
    private volatile Stamp loaded;
    private volatile Stamp lastFailed;

    private RegistryFileWatcher(Path file, DeviceRegistry target) {
        this.file = file;
        this.target = target;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fogbridge-registry-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads {@code file} into {@code target} now, then watches it. */
    public static RegistryFileWatcher start(Path file, DeviceRegistry target, Duration interval)
            throws RegistryFileException {
        Objects.requireNonNull(target, "target");
        RegistryFileWatcher watcher = new RegistryFileWatcher(file.toAbsolutePath(), target);
        Stamp stamp = watcher.stamp();
        Registry first = RegistryFile.read(watcher.file);
        target.replaceAll(first);
        watcher.loaded = stamp;
        log.info("device registry {} loaded: {}", watcher.file, first);
        long millis = interval.toMillis();
        watcher.poller.scheduleWithFixedDelay(watcher::poll, millis, millis, TimeUnit.MILLISECONDS);
        return watcher;
    }

    public Path file() {
        return file;
    }

    /** Checks the file now; normally called by the poller. */
    void poll() {
        try {
            Stamp now = stamp();
            if (now.equals(loaded) || now.equals(lastFailed)) {
                return;
            }
            try {
                Registry next = RegistryFile.read(file);
                target.replaceAll(next);
                loaded = now;
                lastFailed = null;
                log.info("device registry {} reloaded: {}", file, next);
            } catch (RegistryFileException e) {
                lastFailed = now;
                log.error("device registry not reloaded, the previous one stays in force: {}", e.getMessage());
            }
        } catch (RuntimeException e) { // never let the poller die silently
            log.error("device registry watch of {} failed", file, e);
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return new Stamp(-1, -1, null); // missing for now: reported once when a read fails
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private record Stamp(long modified, long size, Object fileKey) {}
}

package io.fogbridge.registry;

import io.fogbridge.api.config.FileChange;
import java.nio.file.Path;
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
 * <p>Polls the file every {@code interval} (default 1 s) through a {@link FileChange}.
 * A file that does not parse on reload is logged (with the line) and the previous registry stays in force; the
 * same broken version is not reported again until it changes. Each load logs {@link Registry#warnings()} (a tenant
 * with certificate devices and no CA) as warnings: such a file is valid, but will refuse those devices at connect.
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
    private FileChange change;

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
        watcher.change = new FileChange(watcher.file);
        Registry first = RegistryFile.read(watcher.file);
        target.replaceAll(first);
        log.info("device registry {} loaded: {}", watcher.file, first);
        warn(watcher.file, first);
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
            if (!change.changed()) {
                return;
            }
            try {
                Registry next = RegistryFile.read(file);
                target.replaceAll(next);
                change.loaded();
                log.info("device registry {} reloaded: {}", file, next);
                warn(file, next);
            } catch (RegistryFileException e) {
                change.failed();
                log.error("device registry not reloaded, the previous one stays in force: {}", e.getMessage());
            }
        } catch (RuntimeException e) { // never let the poller die silently
            log.error("device registry watch of {} failed", file, e);
        }
    }

    private static void warn(Path file, Registry registry) {
        registry.warnings().forEach(warning -> log.warn("device registry {}: {}", file, warning));
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}

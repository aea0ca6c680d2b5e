package io.fogbridge.gateway.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.registry.DeviceRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes-backed device directory: keeps a {@link DeviceRegistry} in step with the Gateway's registry Secret
 * by LIST and WATCH on the API server, so a Device change reaches the running gateway within about a second instead
 * of after the kubelet's sync of a mounted Secret (a minute or more). What each version does is
 * {@link RegistrySecretFeed}'s (the file registry's parsing and revocation, a broken version ignored, a saved copy).
 *
 * <p>Both requests name the one Secret with {@code fieldSelector=metadata.name=<name>}: a Role may then grant
 * {@code get}, {@code list} and {@code watch} on that name alone. Every (re)connection lists first and watches from
 * the list's resource version, so a watch that ended, failed or was told its version is gone (410) loses nothing;
 * one Secret makes a list cheap. Events come over a WebSocket (the JDK's HTTP client has one; the API server serves
 * watches on it as on a chunked response). Failures back off from 1 s to 30 s and are logged once per kind.
 *
 * <p>Lifecycle: {@link #start} lists once; when the API server cannot be reached it starts from the saved copy
 * (a restart behind a cut link still knows its devices), else with no devices. A thread then keeps the watch until
 * {@link #close()}.
 */
public final class RegistrySecretWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistrySecretWatch.class);
    /** Its directory under {@code gateway.dataDir} (the spool's volume): the saved copy and the published keys. */
    public static final String DIR = "device-directory";

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A watch that lasted this long was healthy: the next failure backs off from the start again. */
    private static final Duration HEALTHY = Duration.ofSeconds(10);

    private static final String CLOSED = "\u0000closed";
    private static final String VERSIONS =
            "versions of the registry Secret: applied (the saved copy included), or refused (they do not parse)";

    private final ApiConnection api;
    private final String namespace;
    private final String name;
    private final RegistrySecretFeed feed;
    private final Thread thread;
    private volatile boolean closing;
    private volatile WebSocket socket;
    private volatile String lastProblem;
    /** When the API server stopped answering, shown in /readyz; null while it answers. */
    private volatile Instant failingSince;

    private final AtomicLong failures = new AtomicLong();

    private RegistrySecretWatch(ApiConnection api, String namespace, String name, RegistrySecretFeed feed) {
        this.api = api;
        this.namespace = namespace;
        this.name = name;
        this.feed = feed;
        this.thread =
                Thread.ofPlatform().name("fogbridge-devices-watch").daemon().unstarted(this::run);
    }

    /**
     * Lists the Secret into {@code target} now (or starts from the saved copy in {@code dir}), then watches it.
     *
     * @param dir where the saved copy lives; on the spool's volume, so it outlives the pod
     */
    public static RegistrySecretWatch start(
            ApiConnection api, String namespace, String name, Path dir, DeviceRegistry target) {
        RegistrySecretWatch watch =
                new RegistrySecretWatch(api, namespace, name, new RegistrySecretFeed(namespace, name, dir, target));
        try {
            watch.list();
            log.info("device directory: Secret {}/{} on {}, watched for changes", namespace, name, api.apiServer());
        } catch (IOException e) {
            log.warn(
                    "device directory: Secret {}/{} not listed from {}: {}",
                    namespace,
                    name,
                    api.apiServer(),
                    e.toString());
            watch.failed(e.toString());
            if (!watch.feed.startFromSavedCopy()) {
                log.error(
                        "device directory: no saved copy of Secret {}/{} in {} either: no devices until the API"
                                + " server answers (retried in the background)",
                        namespace,
                        name,
                        dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watch.thread.start();
        return watch;
    }

    /**
     * Where a gateway with data directory {@code dataDir} keeps {@code key} of the Secret version in force (every key
     * but the registry's, such as the twin map), for readers that poll a file: replaced whole when a version applies.
     */
    public static Path publishedFile(Path dataDir, String key) {
        return dataDir.resolve(DIR).resolve(RegistrySecretFeed.PUBLISHED).resolve(key);
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        boolean listed = feed.resourceVersion() != null;
        while (!closing) {
            long began = System.nanoTime();
            try {
                if (!listed) {
                    list();
                }
                listed = false; // whatever ends this watch, the next one lists first
                watch();
                recovered();
            } catch (IOException e) {
                problem(e.toString(), backoff);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) { // never let the watch die silently
                log.error("device directory: the watch of Secret {}/{} failed", namespace, name, e);
            }
            if (Duration.ofNanos(System.nanoTime() - began).compareTo(HEALTHY) >= 0) {
                backoff = FIRST_BACKOFF;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void list() throws IOException, InterruptedException {
        HttpResponse<byte[]> response =
                api.http().send(api.request(path(false)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("LIST Secret " + namespace + "/" + name + ": HTTP " + response.statusCode()
                    + (response.statusCode() == 403 ? " (does the Role grant list on it?)" : ""));
        }
        feed.listed(JSON.readTree(response.body()));
    }

    /** Streams events into the feed until the server ends the watch, it fails, or the feed asks for a list. */
    private void watch() throws IOException, InterruptedException {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocket ws;
        try {
            ws = api.webSocket()
                    .buildAsync(api.webSocketUri(path(true)), new Events(events))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("WATCH Secret " + namespace + "/" + name + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WATCH Secret " + namespace + "/" + name + ": no answer in 30 s", e);
        }
        socket = ws;
        try {
            recovered();
            while (!closing) {
                String event = events.take();
                if (event.startsWith(CLOSED)) {
                    String why = event.substring(CLOSED.length());
                    if (!why.isEmpty()) {
                        throw new IOException("WATCH Secret " + namespace + "/" + name + ": " + why);
                    }
                    return;
                }
                if (feed.event(event) == RegistrySecretFeed.Next.RELIST) {
                    return;
                }
                ws.request(1);
            }
        } finally {
            socket = null;
            ws.abort();
        }
    }

    private String path(boolean watch) {
        String path = "/api/v1/namespaces/" + ApiConnection.segment(namespace) + "/secrets?fieldSelector="
                + ApiConnection.segment("metadata.name=" + name);
        if (watch) {
            path += "&watch=true&allowWatchBookmarks=true";
            if (feed.resourceVersion() != null) {
                path += "&resourceVersion=" + ApiConnection.segment(feed.resourceVersion());
            }
        }
        return path;
    }

    private void problem(String what, Duration backoff) {
        String was = lastProblem;
        failed(what);
        if (!what.equals(was)) {
            log.warn(
                    "device directory: {}; {}; trying again in {} s (then up to every {} s)",
                    what,
                    feed.hasContent() ? "the devices last applied stay in force" : "no devices yet",
                    backoff.toSeconds(),
                    MAX_BACKOFF.toSeconds());
        }
    }

    private void failed(String what) {
        failures.incrementAndGet();
        if (failingSince == null) {
            failingSince = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        lastProblem = what;
    }

    private void recovered() {
        if (lastProblem != null) {
            lastProblem = null;
            failingSince = null;
            log.info("device directory: watching Secret {}/{} on {} again", namespace, name, api.apiServer());
        }
    }

    /**
     * {@code /readyz}'s line: a warning, never a failure, whatever is wrong. The devices last applied keep working, and
     * a restart would not bring the API server back; with none applied, only the operator can help (the Role, the
     * Secret, the route to the API server), which the detail names.
     */
    public ReadinessCheck.Status readiness() {
        RegistrySecretFeed.Standing standing = feed.standing();
        String secret = "Secret " + namespace + "/" + name;
        String inForce = standing.version() == null
                ? "no devices"
                : standing.devices() + " devices of resourceVersion " + standing.version() + " from " + standing.from();
        String problem = lastProblem;
        if (problem != null) {
            return ReadinessCheck.Status.degraded(api.apiServer() + " not answering since " + failingSince + " ("
                    + problem + "); " + inForce + (standing.version() == null ? "" : " stay in force"));
        }
        if (standing.absent() != null) {
            return ReadinessCheck.Status.degraded(standing.absent() + "; " + inForce
                    + (standing.version() == null ? " until the operator renders it" : " stay in force"));
        }
        if (standing.refused() != null) {
            return ReadinessCheck.Status.degraded(
                    secret + ": " + standing.refused() + "; " + inForce + " stay in force");
        }
        return standing.version() == null
                ? ReadinessCheck.Status.degraded(secret + ": not listed yet; no devices")
                : ReadinessCheck.Status.ok(secret + " watched: " + inForce);
    }

    /**
     * {@code fogbridge_devices_directory_watching} (1 while a watch stream is open),
     * {@code fogbridge_devices_directory_versions_total{result=applied|refused}} and
     * {@code fogbridge_devices_directory_failures_total} (lists and watches that failed).
     */
    public RegistrySecretWatch bindTo(MeterRegistry meters) {
        Gauge.builder("fogbridge.devices.directory.watching", this, w -> w.socket != null ? 1 : 0)
                .description("1 while the watch of the registry Secret is open")
                .register(meters);
        FunctionCounter.builder("fogbridge.devices.directory.versions", feed, RegistrySecretFeed::versionsApplied)
                .tag("result", "applied")
                .description(VERSIONS)
                .register(meters);
        FunctionCounter.builder("fogbridge.devices.directory.versions", feed, RegistrySecretFeed::versionsRefused)
                .tag("result", "refused")
                .description(VERSIONS)
                .register(meters);
        FunctionCounter.builder("fogbridge.devices.directory.failures", failures, AtomicLong::get)
                .description("lists and watches of the registry Secret that failed")
                .register(meters);
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        thread.interrupt();
        thread.join(5000);
    }

    /** Collects whole text messages (one watch event each) into the queue; the end of the socket as {@link #CLOSED}. */
    private static final class Events implements WebSocket.Listener {
        private final BlockingQueue<String> events;
        private final StringBuilder partial = new StringBuilder();

        Events(BlockingQueue<String> events) {
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(partial.toString());
                partial.setLength(0);
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            // The base64.binary.k8s.io protocol is not asked for; a server that sends binary anyway is not understood.
            events.add(CLOSED + "binary frames are not understood");
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(CLOSED + error);
        }
    }
}

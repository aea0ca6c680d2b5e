package io.fogbridge.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fogbridge.api.config.FileChange;
import io.fogbridge.gateway.config.AdapterFactories;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running gateway's config file (a mounted ConfigMap in Kubernetes) and applies, without a restart, a
 * change confined to {@link #LIVE_KEYS}:
 * <ul>
 *   <li>the routes and the labels, which only the pipeline's routing and enrichment read per message: a message
 *       accepted after the swap takes the new routes;
 *   <li>the sections of the adapters whose factories allow replacing them while the gateway runs ({@code
 *       adapters.modbus}, {@code adapters.opcua}: clients of their devices, with no port to bind): the gateway closes
 *       that converter and starts one from the new section ({@link Gateway#applyLive}), whose devices are polled or
 *       subscribed again. Turning one on or off ({@code enabled}) is such a change too;
 *   <li>the scheduled field scans ({@code discovery}): the running scans are closed and the new list starts, each
 *       scan's first round at once.
 * </ul>
 * Every other device keeps its connection: the MQTT bus, the HTTP and CoAP adapters and the converters whose section
 * did not change are not touched.
 *
 * <p>A converter that does not start with its new section is logged with the reason and counted ({@code
 * converter-failed}); the converter it replaced is already closed, so the gateway starts it again with the settings
 * it had and {@code /readyz} warns that the file's section is not in force (or, should that fail too, shows the
 * converter not ready). The rest of the change stays applied; the refused section is tried again at the file's next
 * change.
 *
 * <p>A change to any other key (listeners, spool, the HTTP and CoAP adapters, which bind ports) needs a restart: it is
 * logged once with the keys that differ, counted, and the gateway keeps running on the config it has (in Kubernetes
 * the operator rolls the pod for those keys: it hashes {@link #without} the file). A file the loader refuses is
 * logged with the loader's problems and ignored until it changes again. In external-broker mode a route change that
 * changes the subscriptions also needs a restart.
 *
 * <p>Polls once a second with {@link FileChange} (which also sees a ConfigMap's symlink swap). Metric
 * {@code fogbridge.config.reloads} (tag {@code result}: {@code live}, {@code converter-failed}, {@code
 * restart-needed}, {@code invalid}). Lifecycle: {@link #prepare} before the config is loaded (so a change made while
 * the gateway starts is not missed), {@link #start} once the gateway runs, {@link #close}. The polling thread owns all
 * state.
 */
public final class LiveConfig implements AutoCloseable {

    /** The adapters a running gateway replaces when their section changes (see the class comment). */
    static final List<String> REPLACEABLE_ADAPTERS = AdapterFactories.replaceableWhileRunning();

    /** Keys a running gateway applies: top-level sections, or {@code section.key}. */
    public static final List<String> LIVE_KEYS = Stream.concat(
                    Stream.of("routes", "gateway.labels", "discovery"),
                    REPLACEABLE_ADAPTERS.stream().map(n -> "adapters." + n))
            .toList();

    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What a look at the file found. */
    enum Result {
        UNCHANGED,
        LIVE,
        RESTART_NEEDED,
        CONVERTER_FAILED,
        INVALID
    }

    private final Path file;
    private final Map<String, String> env;
    private final FileChange change;
    private Map<String, Object> inForce;
    private Gateway gateway;
    private ScheduledExecutorService poller;

    private LiveConfig(Path file, Map<String, String> env) {
        this.file = file;
        this.env = Map.copyOf(env);
        this.change = new FileChange(file);
        this.inForce = tree(file);
    }

    /** Takes the file as it is now as the version in force: call just before loading it. */
    public static LiveConfig prepare(Path file, Map<String, String> env) {
        return new LiveConfig(file, env);
    }

    /** Starts polling for {@code running}, which was started from the file {@link #prepare} saw. */
    public synchronized LiveConfig start(Gateway running) {
        this.gateway = running;
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "live-config");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    Result check() {
        try {
            if (!change.changed()) {
                return Result.UNCHANGED;
            }
            return apply();
        } catch (RuntimeException e) {
            // A bug here must not stop the polling thread: the next change is looked at again.
            LOG.warn("config reload of {} failed", file, e);
            return Result.INVALID;
        }
    }

    private Result apply() {
        GatewayConfig next;
        Map<String, Object> nextTree;
        try {
            next = ConfigLoader.load(file, env);
            nextTree = tree(file);
        } catch (ConfigException e) {
            change.failed();
            LOG.warn(
                    "{} changed but the loader refuses it; the gateway keeps its config:\n{}",
                    file,
                    String.join("\n", e.problems()));
            return count(Result.INVALID);
        }
        List<String> restartKeys = differences(without(inForce), without(nextTree));
        if (restartKeys.isEmpty() && subscriptionsDiffer(next)) {
            restartKeys = List.of("routes (the subscriptions to the external broker)");
        }
        if (!restartKeys.isEmpty()) {
            change.failed();
            LOG.warn(
                    "{} changed in keys that need a restart ({}); the gateway keeps running with the config it"
                            + " started with until it is restarted",
                    file,
                    String.join(", ", restartKeys));
            return count(Result.RESTART_NEEDED);
        }
        Set<String> adapters = changedAdapters(inForce, nextTree);
        List<String> refused = gateway.applyLive(next, adapters);
        inForce = refused.isEmpty() ? nextTree : withAdapterSections(nextTree, inForce, refused);
        change.loaded();
        if (!refused.isEmpty()) {
            LOG.warn(
                    "{} changed: applied live except adapters.{}, whose converter did not start with the new"
                            + " section (the reason is logged above); tried again when the file changes",
                    file,
                    String.join(", adapters.", refused));
            return count(Result.CONVERTER_FAILED);
        }
        LOG.info(
                "{} changed: applied live ({} routes{})",
                file,
                next.routeTable().routes().size(),
                adapters.isEmpty() ? "" : ", converters restarted: " + String.join(", ", adapters));
        return count(Result.LIVE);
    }

    /** The replaceable adapters whose section differs, by name. */
    static Set<String> changedAdapters(Map<String, Object> before, Map<String, Object> after) {
        Set<String> changed = new TreeSet<>();
        for (String name : REPLACEABLE_ADAPTERS) {
            if (!Objects.equals(adapterSection(before, name), adapterSection(after, name))) {
                changed.add(name);
            }
        }
        return changed;
    }

    private static Object adapterSection(Map<String, Object> tree, String name) {
        return tree.get("adapters") instanceof Map<?, ?> adapters ? adapters.get(name) : null;
    }

    /** {@code tree} with the sections of the adapters {@code names} as {@code from} has them. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withAdapterSections(
            Map<String, Object> tree, Map<String, Object> from, List<String> names) {
        Map<String, Object> copy = new LinkedHashMap<>(tree);
        Map<String, Object> adapters = copy.get("adapters") instanceof Map<?, ?> section
                ? new LinkedHashMap<>((Map<String, Object>) section)
                : new LinkedHashMap<>();
        for (String name : names) {
            Object previous = adapterSection(from, name);
            if (previous == null) {
                adapters.remove(name);
            } else {
                adapters.put(name, previous);
            }
        }
        copy.put("adapters", adapters);
        return copy;
    }

    private boolean subscriptionsDiffer(GatewayConfig next) {
        GatewayConfig started = gateway.config();
        return started.mqtt().externalMode()
                && !started.routeTable()
                        .subscriptionFilters()
                        .equals(next.routeTable().subscriptionFilters());
    }

    private Result count(Result result) {
        MeterRegistry registry = gateway.registry();
        registry.counter(
                        "fogbridge.config.reloads",
                        "result",
                        result.name().toLowerCase().replace('_', '-'))
                .increment();
        return result;
    }

    /** The tree without the live keys, and without a section that held only live keys. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> without(Map<String, Object> tree) {
        Map<String, Object> copy = new LinkedHashMap<>(tree);
        for (String key : LIVE_KEYS) {
            int dot = key.indexOf('.');
            if (dot < 0) {
                copy.remove(key);
            } else if (copy.get(key.substring(0, dot)) instanceof Map<?, ?> section) {
                Map<String, Object> trimmed = new LinkedHashMap<>((Map<String, Object>) section);
                trimmed.remove(key.substring(dot + 1));
                if (trimmed.isEmpty()) {
                    // A section of live keys only is a live change as a whole: adding `adapters: {modbus: …}` to a
                    // file without an adapters section must not count as a change of the section itself.
                    copy.remove(key.substring(0, dot));
                } else {
                    copy.put(key.substring(0, dot), trimmed);
                }
            }
        }
        return copy;
    }

    /** The keys that differ, as {@code section} or {@code section.key}, sorted. */
    static List<String> differences(Map<String, Object> before, Map<String, Object> after) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> differ = new ArrayList<>();
        for (String key : keys) {
            Object a = before.get(key);
            Object b = after.get(key);
            if (Objects.equals(a, b)) {
                continue;
            }
            if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
                TreeSet<String> names = new TreeSet<>();
                ma.keySet().forEach(k -> names.add(String.valueOf(k)));
                mb.keySet().forEach(k -> names.add(String.valueOf(k)));
                for (String name : names) {
                    if (!Objects.equals(ma.get(name), mb.get(name))) {
                        differ.add(key + "." + name);
                    }
                }
            } else {
                differ.add(key);
            }
        }
        return differ;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tree(Path file) {
        try {
            Object parsed = YAML.readValue(file.toFile(), Object.class);
            return parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}

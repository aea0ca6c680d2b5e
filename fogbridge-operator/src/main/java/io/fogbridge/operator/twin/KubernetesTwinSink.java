package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.EditReplacePatchable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes twins into {@code devices/status} with the operator's fabric8 client (the operator's end of the Kafka twin
 * path; a gateway that reaches the API server writes with its own {@code DeviceStatusWriter}). Only the twin's fields
 * are written: {@code lastSeen}, {@code reported} and the {@code Connected} condition; the operator's conditions are
 * left as they are. The API has no multi-object write, so a batch is a set of PATCHes, {@value #PARALLEL} at a time
 * (one at a time would cap the operator at one round trip per update).
 *
 * <p>Two kinds of write, each one PATCH, so a device's writes stay within {@code reportInterval}'s bound. Most updates
 * carry new values with {@code Connected} as this sink last wrote it: they are a JSON merge PATCH by name of
 * {@code lastSeen} and the {@code reported} values they carry, with no read before it (a merge keeps the other
 * properties and every condition, so it needs no resource-version test; fabric8's {@code withName(..).patch} would GET
 * the object first, a PATCH on {@code resource(item)} does not). An update that changes {@code Connected}, or the first
 * one for a Device since the operator started (whose written state it does not know), edits the Device read just
 * before, to write its condition list whole with the resource version read, so a list another writer changed meanwhile
 * is refused (409) rather than overwritten; that update then fails and comes again.
 *
 * <p>An update names its device by its id on the wire; {@link DeviceNames} says which Device that is (a Device named by
 * a hash carries the id in {@code spec.deviceId}).
 *
 * <p>A 404 means the Device was deleted while its twin was on its way: the update is dropped, not retried, and counted
 * as {@value #GONE_METRIC}.
 *
 * <p>Thread-safe for one {@link #write} at a time (the consumer's thread); {@link #close} ends its threads.
 */
public final class KubernetesTwinSink implements TwinSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesTwinSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONNECTED = "Connected";
    static final int PARALLEL = 8;
    /** Updates dropped because their Device no longer exists (404). */
    public static final String GONE_METRIC = "fogbridge.twin.devices.gone";

    private final KubernetesClient client;
    private final ExecutorService writers;
    private final Counter gone;
    private final DeviceNames names;
    /** The {@code Connected} status last written per Device ({@code namespace/name}); one small entry a device. */
    private final Map<String, Boolean> connectedWritten = new ConcurrentHashMap<>();

    /** Every update's device id taken for its Device's name; the gone count in Micrometer's global registry. */
    public KubernetesTwinSink(KubernetesClient client) {
        this(client, Metrics.globalRegistry, DeviceNames.BY_NAME);
    }

    /** @param names which Device an update's device id is (the operator's: {@code DeviceReconciler#deviceNames}) */
    public KubernetesTwinSink(KubernetesClient client, MeterRegistry registry, DeviceNames names) {
        this.client = client;
        this.names = names;
        this.gone = Counter.builder(GONE_METRIC)
                .description("Twin updates dropped: their Device was deleted")
                .register(registry);
        this.writers = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread thread = new Thread(r, "fogbridge-twin-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public List<TwinUpdate> write(List<TwinUpdate> batch) {
        List<Future<?>> writes = new ArrayList<>(batch.size());
        for (TwinUpdate update : batch) {
            writes.add(writers.submit(() -> writeOne(update)));
        }
        List<TwinUpdate> failed = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            try {
                writes.get(i).get();
            } catch (ExecutionException e) {
                TwinUpdate update = batch.get(i);
                LOG.debug(
                        "twin of {}/{} not written: {}",
                        update.namespace(),
                        update.device(),
                        e.getCause().getMessage());
                failed.add(update);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.addAll(batch.subList(i, batch.size()));
                break;
            }
        }
        return failed;
    }

    private void writeOne(TwinUpdate update) {
        String name = names.nameOf(update.namespace(), update.device());
        String key = update.namespace() + "/" + name;
        try {
            if (Boolean.valueOf(update.connected()).equals(connectedWritten.get(key))) {
                statusOf(update.namespace(), name).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(update));
                return;
            }
            Device edited = client.resources(Device.class)
                    .inNamespace(update.namespace())
                    .withName(name)
                    .editStatus(device -> apply(device, update));
            if (edited == null) {
                throw new KubernetesClientException("not found", HttpURLConnection.HTTP_NOT_FOUND, null);
            }
            connectedWritten.put(key, update.connected());
        } catch (KubernetesClientException e) {
            connectedWritten.remove(key);
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                gone.increment();
                LOG.debug("twin of {}/{} dropped: the Device is gone", update.namespace(), name);
                return;
            }
            throw e;
        }
    }

    /** The Device's status subresource by name, for a PATCH without a GET before it. */
    private EditReplacePatchable<Device> statusOf(String namespace, String name) {
        Device named = new Device();
        named.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return client.resources(Device.class)
                .inNamespace(namespace)
                .resource(named)
                .subresource("status");
    }

    /** The Device with this update's {@code lastSeen}, values and {@code Connected} condition; the rest as read. */
    static Device apply(Device device, TwinUpdate update) {
        DeviceStatus status = device.getStatus() == null ? new DeviceStatus() : device.getStatus();
        if (update.lastSeen() != null) {
            status.lastSeen = update.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString();
        }
        Map<String, DeviceStatus.ReportedValue> reported =
                new TreeMap<>(status.reported == null ? Map.of() : status.reported);
        update.reported()
                .forEach((property, reading) -> reported.put(
                        property,
                        new DeviceStatus.ReportedValue(
                                reading.value(),
                                reading.at().truncatedTo(ChronoUnit.MILLIS).toString())));
        status.reported = reported;
        Condition.Status connected = update.connected() ? Condition.Status.TRUE : Condition.Status.FALSE;
        Condition previous = status.condition(CONNECTED).orElse(null);
        if (previous == null || previous.status != connected) {
            Condition next =
                    new Condition(CONNECTED, connected, update.connected() ? "Connected" : "Disconnected", null);
            next.lastTransitionTime = (update.lastSeen() == null ? Instant.now() : update.lastSeen())
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString();
            status.conditions = new ArrayList<>(status.conditions);
            status.conditions.removeIf(c -> c.type.equals(CONNECTED));
            status.conditions.add(next);
        }
        device.setStatus(status);
        return device;
    }

    /** {@code {"status":{"lastSeen":…,"reported":{"<name>":{"value":…,"lastUpdated":…}}}}}. */
    static String mergePatch(TwinUpdate update) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode status = root.putObject("status");
        if (update.lastSeen() != null) {
            status.put(
                    "lastSeen",
                    update.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        ObjectNode reported = status.putObject("reported");
        update.reported().forEach((name, reading) -> {
            ObjectNode value = reported.putObject(name);
            value.set("value", reading.value());
            value.put("lastUpdated", reading.at().truncatedTo(ChronoUnit.MILLIS).toString());
        });
        return root.toString();
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }
}

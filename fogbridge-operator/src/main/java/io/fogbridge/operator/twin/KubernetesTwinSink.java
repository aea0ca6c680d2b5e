package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
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
 * <p>Two kinds of write. Most updates carry only new values with {@code Connected} as it was: they are a JSON merge
 * PATCH of {@code lastSeen} and the {@code reported} values they carry (a merge keeps the other properties and every
 * condition, so it needs no resource-version test). An update that changes {@code Connected} (or the first one for a
 * Device since the operator started, whose written state it does not know) edits the Device read just before, to
 * write its condition list. (fabric8 7.5.2 still sends a GET before the merge PATCH: the bench saw one GET per write.)
 *
 * <p>Thread-safe for one {@link #write} at a time (the consumer's thread); {@link #close} ends its threads.
 */
public final class KubernetesTwinSink implements TwinSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesTwinSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONNECTED = "Connected";
    static final int PARALLEL = 8;

    private final KubernetesClient client;
    private final ExecutorService writers;
    /** The {@code Connected} status last written per Device ({@code namespace/name}); one small entry a device. */
    private final Map<String, Boolean> connectedWritten = new ConcurrentHashMap<>();

    public KubernetesTwinSink(KubernetesClient client) {
        this.client = client;
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
        String key = update.namespace() + "/" + update.device();
        var resource =
                client.resources(Device.class).inNamespace(update.namespace()).withName(update.device());
        if (Boolean.valueOf(update.connected()).equals(connectedWritten.get(key))) {
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(update));
            return;
        }
        try {
            resource.editStatus(device -> apply(device, update));
            connectedWritten.put(key, update.connected());
        } catch (KubernetesClientException e) {
            connectedWritten.remove(key);
            throw e;
        }
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

    private static Device apply(Device device, TwinUpdate update) {
        DeviceStatus status = device.getStatus() == null ? new DeviceStatus() : device.getStatus();
        status.lastSeen = update.lastSeen() == null
                ? status.lastSeen
                : update.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString();
        var reported = new TreeMap<>(status.reported == null ? java.util.Map.of() : status.reported);
        update.reported()
                .forEach((name, reading) -> reported.put(
                        name,
                        new DeviceStatus.ReportedValue(
                                reading.value(),
                                reading.at().truncatedTo(ChronoUnit.MILLIS).toString())));
        status.reported = reported;
        Condition.Status connected = update.connected() ? Condition.Status.TRUE : Condition.Status.FALSE;
        Condition previous = status.condition(CONNECTED).orElse(null);
        if (previous == null || previous.status != connected) {
            Condition next =
                    new Condition(CONNECTED, connected, update.connected() ? "Connected" : "Disconnected", null);
            next.lastTransitionTime = (update.lastSeen() == null ? java.time.Instant.now() : update.lastSeen())
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString();
            status.conditions = new ArrayList<>(status.conditions);
            status.conditions.removeIf(c -> c.type.equals(CONNECTED));
            status.conditions.add(next);
        }
        device.setStatus(status);
        return device;
    }

    @Override
    public void close() {
        writers.shutdownNow();
    }
}

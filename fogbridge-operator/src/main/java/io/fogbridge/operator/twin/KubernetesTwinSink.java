package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * <p>No Device is read first. Every update is a JSON merge PATCH by name of {@code lastSeen} and the {@code reported}
 * values it carries (a merge keeps the other properties and every condition, so it needs no resource-version test), and
 * the API server answers with the whole Device. Only when that answer's {@code Connected} condition is not the
 * update's (a change, or a Device whose condition was never written) is there a second PATCH, a JSON patch: the answer's
 * condition list with {@code Connected} replaced, and the answer's {@code resourceVersion}, so that a list another writer changed
 * meanwhile is refused (409) rather than overwritten; that update then fails and comes again. (fabric8's
 * {@code withName(..).patch} GETs the object before patching; a PATCH on {@code resource(item)} does not.)
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
        EditReplacePatchable<Device> status = statusOf(update);
        Device written;
        try {
            written = status.patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(update));
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                gone.increment();
                LOG.debug("twin of {}/{} dropped: the Device is gone", update.namespace(), update.device());
                return;
            }
            throw e;
        }
        String connected = connectedPatch(written, update);
        if (connected != null) {
            status.patch(PatchContext.of(PatchType.JSON), connected);
        }
    }

    /** The Device's status subresource by name, for a PATCH without a GET before it. */
    private EditReplacePatchable<Device> statusOf(TwinUpdate update) {
        Device named = new Device();
        named.setMetadata(new ObjectMetaBuilder()
                .withNamespace(update.namespace())
                .withName(names.nameOf(update.namespace(), update.device()))
                .build());
        return client.resources(Device.class)
                .inNamespace(update.namespace())
                .resource(named)
                .subresource("status");
    }

    /**
     * A JSON patch (RFC 6902) of {@code written}'s conditions with {@code Connected} as {@code update} says, and its
     * resource version, which makes the API server refuse it (409) when the Device changed since; null when
     * {@code written} says so already. Not a merge patch: a list in one replaces the whole list on an API server, but
     * fabric8's mock server appends to it.
     */
    static String connectedPatch(Device written, TwinUpdate update) {
        DeviceStatus status = written.getStatus() == null ? new DeviceStatus() : written.getStatus();
        Condition.Status connected = update.connected() ? Condition.Status.TRUE : Condition.Status.FALSE;
        Condition previous = status.condition(CONNECTED).orElse(null);
        if (previous != null && previous.status == connected) {
            return null;
        }
        Condition next = new Condition(CONNECTED, connected, update.connected() ? "Connected" : "Disconnected", null);
        next.lastTransitionTime = (update.lastSeen() == null ? Instant.now() : update.lastSeen())
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        List<Condition> conditions = new ArrayList<>(status.conditions);
        conditions.removeIf(c -> c.type.equals(CONNECTED));
        conditions.add(next);
        ArrayNode patch = JSON.createArrayNode();
        patch.addObject()
                .put("op", "replace")
                .put("path", "/metadata/resourceVersion")
                .put("value", written.getMetadata().getResourceVersion());
        // add, not replace: a status the twin wrote first may have no condition list yet.
        patch.addObject().put("op", "add").put("path", "/status/conditions").set("value", JSON.valueToTree(conditions));
        return patch.toString();
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

package io.fogbridge.operator.twin;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes twins into {@code devices/status} with the operator's fabric8 client (the operator's end of the Kafka twin
 * path, not built yet; the gateway writes with its own {@code DeviceStatusWriter}): for each update one read of the Device and
 * one PATCH of its status (only the twin's fields: {@code lastSeen}, {@code reported} and the {@code Connected}
 * condition; the operator's {@code Registered} is left as it is). The API has no multi-object write, so a batch is
 * the set of PATCHes of one reporting round.
 */
public final class KubernetesTwinSink implements TwinSink {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesTwinSink.class);
    static final String CONNECTED = "Connected";

    private final KubernetesClient client;

    public KubernetesTwinSink(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public List<TwinUpdate> write(List<TwinUpdate> batch) {
        List<TwinUpdate> failed = new ArrayList<>();
        for (TwinUpdate update : batch) {
            try {
                client.resources(Device.class)
                        .inNamespace(update.namespace())
                        .withName(update.device())
                        .editStatus(device -> apply(device, update));
            } catch (KubernetesClientException e) {
                LOG.debug("twin of {}/{} not written: {}", update.namespace(), update.device(), e.getMessage());
                failed.add(update);
            }
        }
        return failed;
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
}

package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.DeviceStatus;
import io.fogbridge.operator.crd.ModbusDeviceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * An informer's cache of Devices that keeps each Device as small as it can without changing what the operator reads:
 * {@code metadata.managedFields} is dropped (the API server's field-ownership bookkeeping, often the largest part of an
 * object, which the operator never reads; a write without it leaves it as it is on the server), and the strings that
 * repeat across Devices are {@link SharedStrings shared} (namespace, tenant, Gateway, label keys and values, Secret
 * references, property names and paths, condition types, reasons and messages). fabric8 7 has no transform hook
 * on informers (client-go's {@code SetTransform}); the item store is where every listed or watched object enters.
 *
 * <p>The Device handed in is changed in place: it is this informer's own copy (each informer deserializes its own,
 * and JOSDK hands reconcilers a clone). Used by the Device reconciler's informer and, through {@link StrippedDevices},
 * the Gateway reconciler's.
 */
public class CompactDevices extends BasicItemStore<Device> {

    /**
     * Devices per page of the informers' initial LIST. Unpaged, the whole answer (10,000 Devices with the managed fields
     * a real API server keeps) is deserialized before any item reaches this store, and that peak alone outgrew a 256 MiB
     * container (BENCHMARKS.md, "Devices at 10,000: operator memory"); fabric8's reflector stores each page before it
     * asks for the next. 500 is client-go's default page size.
     */
    public static final long LIST_PAGE = 500;

    private final SharedStrings strings;

    /** For JOSDK, which makes the Device reconciler's store from its class: the operator's shared table. */
    public CompactDevices() {
        this(SharedStrings.OPERATOR);
    }

    CompactDevices(SharedStrings strings) {
        super(Cache::metaNamespaceKeyFunc);
        this.strings = strings;
    }

    @Override
    public Device put(String key, Device device) {
        return super.put(key, compact(device));
    }

    /** {@code device}, without managed fields and with its repeated strings shared. */
    Device compact(Device device) {
        // apiVersion, kind, plural and the like are computed per instance in fabric8's CustomResource constructor and
        // final: out of reach here.
        if (device.getMetadata() != null) {
            compact(device.getMetadata());
        }
        if (device.getSpec() != null) {
            compact(device.getSpec());
        }
        if (device.getStatus() != null) {
            compact(device.getStatus());
        }
        return device;
    }

    private void compact(ObjectMeta metadata) {
        metadata.setManagedFields(null);
        metadata.setNamespace(strings.share(metadata.getNamespace()));
        metadata.setLabels(shared(metadata.getLabels(), strings::share));
        // Keys only: a value such as kubectl's last-applied-configuration is the object itself, unique to it.
        metadata.setAnnotations(shared(metadata.getAnnotations(), value -> value));
        if (metadata.getFinalizers() != null) {
            metadata.setFinalizers(new ArrayList<>(
                    metadata.getFinalizers().stream().map(strings::share).toList()));
        }
    }

    private void compact(DeviceSpec spec) {
        spec.tenant = strings.share(spec.tenant);
        spec.gateway = strings.share(spec.gateway);
        spec.site = strings.share(spec.site);
        spec.labels = shared(spec.labels, strings::share);
        spec.properties = shared(spec.properties, property -> {
            property.jsonPath = strings.share(property.jsonPath);
            return property;
        });
        if (spec.credentials != null) {
            compact(spec.credentials.bcryptHash);
            compact(spec.credentials.psk);
        }
        if (spec.modbus != null) {
            compact(spec.modbus);
        }
    }

    private void compact(DeviceCredentials.SecretKeyRef ref) {
        if (ref != null) {
            ref.name = strings.share(ref.name);
            ref.key = strings.share(ref.key);
        }
    }

    private void compact(ModbusDeviceSpec modbus) {
        modbus.host = strings.share(modbus.host);
        modbus.timeout = strings.share(modbus.timeout);
        for (ModbusDeviceSpec.PollGroup group : nonNull(modbus.pollGroups)) {
            group.name = strings.share(group.name);
            group.interval = strings.share(group.interval);
        }
        for (ModbusDeviceSpec.Tag tag : nonNull(modbus.tags)) {
            tag.name = strings.share(tag.name);
            tag.table = strings.share(tag.table);
            tag.type = strings.share(tag.type);
            tag.byteOrder = strings.share(tag.byteOrder);
            tag.wordOrder = strings.share(tag.wordOrder);
        }
    }

    private void compact(DeviceStatus status) {
        status.assignedGateway = strings.share(status.assignedGateway);
        for (Condition condition : nonNull(status.conditions)) {
            condition.type = strings.share(condition.type);
            condition.reason = strings.share(condition.reason);
            condition.message = strings.share(condition.message);
            condition.lastTransitionTime = strings.share(condition.lastTransitionTime);
        }
        if (status.reported != null) {
            TreeMap<String, DeviceStatus.ReportedValue> reported = new TreeMap<>();
            status.reported.forEach((name, value) -> reported.put(strings.share(name), value));
            status.reported = reported;
        }
    }

    /** A copy of {@code map} (order kept) with shared keys and its values through {@code value}; null for null. */
    private <V> Map<String, V> shared(Map<String, V> map, UnaryOperator<V> value) {
        if (map == null) {
            return null;
        }
        Map<String, V> copy = new LinkedHashMap<>(Math.max(2, (int) (map.size() / 0.75f) + 1));
        map.forEach((k, v) -> copy.put(strings.share(k), v == null ? null : value.apply(v)));
        return copy;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}

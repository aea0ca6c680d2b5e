package io.fogbridge.operator.reconcile;

import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which changes of a Device are worth a reconcile by {@link DeviceReconciler}: a new generation, and of the status
 * only what the operator's part depends on. The twin writes a device's status up to once per report interval (with
 * 10,000 devices, up to 1,000 writes a second); most of them only carry new values, which matter only to a Device
 * with {@code desired} values ({@code InSync}). Passes:
 *
 * <ul>
 *   <li>a new generation;
 *   <li>a status whose operator part differs ({@code Registered}, {@code observedGeneration}: someone else wrote
 *       it, and the reconcile puts it back);
 *   <li>for the {@code Warning}: a property reported for the first time (or no more), {@code Connected} flipping,
 *       {@code lastSeen} appearing, or moving while a property is still missing;
 *   <li>for a Device with {@code desired} values: any change of the reported values or of the command record.
 * </ul>
 *
 * Stateless; JOSDK creates it by its public constructor.
 */
public final class DeviceEvents implements OnUpdateFilter<Device> {

    public DeviceEvents() {}

    @Override
    public boolean accept(Device next, Device previous) {
        if (!Objects.equals(
                next.getMetadata().getGeneration(), previous.getMetadata().getGeneration())) {
            return true;
        }
        DeviceStatus now = next.getStatus();
        DeviceStatus then = previous.getStatus();
        if (now == null || then == null) {
            return now != then;
        }
        if (!Objects.equals(now.observedGeneration, then.observedGeneration)
                || !sameCondition(now, then, DeviceReconciler.REGISTERED)
                || !sameCondition(now, then, "Connected")
                || !keys(now.reported).equals(keys(then.reported))
                || (now.lastSeen == null) != (then.lastSeen == null)) {
            return true;
        }
        var spec = next.getSpec();
        if (spec.properties != null
                && !keys(now.reported).containsAll(spec.properties.keySet())
                && !Objects.equals(now.lastSeen, then.lastSeen)) {
            return true;
        }
        return spec.desired != null
                && !spec.desired.isEmpty()
                && (!Objects.equals(now.reported, then.reported)
                        || !Objects.equals(now.desiredCommand, then.desiredCommand));
    }

    private static boolean sameCondition(DeviceStatus now, DeviceStatus then, String type) {
        Optional<Condition> a = now.condition(type);
        Optional<Condition> b = then.condition(type);
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() == b.isEmpty();
        }
        return a.get().status == b.get().status && Objects.equals(a.get().reason, b.get().reason);
    }

    private static Set<String> keys(Map<String, ?> map) {
        return map == null ? Set.of() : map.keySet();
    }
}

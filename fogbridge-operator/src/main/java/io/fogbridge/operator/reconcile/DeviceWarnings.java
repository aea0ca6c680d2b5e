package io.fogbridge.operator.reconcile;

import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceProperty;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.DeviceStatus;
import io.fogbridge.operator.crd.ModbusDeviceSpec;
import io.fogbridge.operator.crd.OpcUaDeviceSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code Warning} condition of a Device: {@code True} when something the user has to fix keeps the Device from
 * doing what its spec asks, absent otherwise. The reason is the first finding's, the message lists them all. What it
 * finds:
 *
 * <ul>
 *   <li>the Device is refused: its gateway or site matches no Gateway ({@code UnknownGateway}) or several
 *       ({@code AmbiguousSite}), a credentials Secret or key is missing ({@code SecretNotFound}), and the other
 *       {@code Registered=False} reasons but {@code Rendering} (which only waits);
 *   <li>a {@code spec.desired} property the device has no way to take: not a Modbus tag or OPC UA item
 *       ({@code UnknownDesiredProperty}), a tag that is only read or an item not {@code writable}
 *       ({@code DesiredNotWritable});
 *   <li>a {@code spec.desired} property the twin never reports, so {@code InSync} could never turn True: not among
 *       {@code spec.properties}, or a Modbus tag that is written but not polled ({@code DesiredNotReported});
 *   <li>a property the twin should report that no message had a value for, at its JSON path, though the device has
 *       been seen for {@link #REPORT_GRACE} since it connected ({@code PropertyNotReported}): a wrong path, or a value
 *       there that is an object or an array.
 * </ul>
 *
 * Pure: the time is a parameter.
 */
final class DeviceWarnings {

    static final String WARNING = "Warning";
    /** Three of the gateway's default report intervals: a device seen this long has had its values written. */
    static final Duration REPORT_GRACE = Duration.ofSeconds(30);

    private static final String CONNECTED = "Connected";
    private static final Set<String> WAITING = Set.of("Rendering", "Rendered");

    private DeviceWarnings() {}

    /** The condition, or empty when there is nothing to warn of. */
    static Optional<Condition> of(Device device, DeviceStatus status, Condition registered) {
        List<String[]> findings = new ArrayList<>();
        if (registered.status != Condition.Status.TRUE && !WAITING.contains(registered.reason)) {
            findings.add(new String[] {registered.reason, registered.message});
        }
        DeviceSpec spec = device.getSpec();
        if (spec.desired != null) {
            for (String name : spec.desired.keySet()) {
                desiredFinding(spec, name).ifPresent(findings::add);
            }
        }
        unreported(spec, status).ifPresent(findings::add);
        if (findings.isEmpty()) {
            return Optional.empty();
        }
        List<String> messages = findings.stream().map(f -> f[1]).toList();
        return Optional.of(
                new Condition(WARNING, Condition.Status.TRUE, findings.getFirst()[0], String.join("; ", messages)));
    }

    private static Optional<String[]> desiredFinding(DeviceSpec spec, String name) {
        if (spec.protocol == DeviceSpec.Protocol.MODBUS && spec.modbus != null) {
            ModbusDeviceSpec.Tag tag = spec.modbus.tags == null
                    ? null
                    : spec.modbus.tags.stream()
                            .filter(t -> name.equals(t.name))
                            .findFirst()
                            .orElse(null);
            if (tag == null) {
                return finding("UnknownDesiredProperty", "desired '" + name + "' is no tag of spec.modbus.tags");
            }
            String access = tag.access == null ? "read" : tag.access;
            if (access.equals("read")) {
                return finding(
                        "DesiredNotWritable",
                        "desired '" + name + "': the tag's access is read; a desired value needs write or"
                                + " read-write");
            }
            if (access.equals("write") || !reported(spec, name)) {
                return finding(
                        "DesiredNotReported",
                        "desired '" + name + "' is written but never read back (access: " + access
                                + (reported(spec, name) ? "" : ", not in spec.properties")
                                + "), so InSync cannot turn True; use read-write");
            }
            return Optional.empty();
        }
        if (spec.protocol == DeviceSpec.Protocol.OPCUA && spec.opcua != null) {
            OpcUaDeviceSpec.Item item = spec.opcua.items == null
                    ? null
                    : spec.opcua.items.stream()
                            .filter(i -> name.equals(i.name))
                            .findFirst()
                            .orElse(null);
            if (item == null) {
                return finding("UnknownDesiredProperty", "desired '" + name + "' is no item of spec.opcua.items");
            }
            if (!Boolean.TRUE.equals(item.writable)) {
                return finding(
                        "DesiredNotWritable", "desired '" + name + "': the item is not writable: true, so no write");
            }
        }
        if (!reported(spec, name)) {
            return finding(
                    "DesiredNotReported",
                    "desired '" + name + "' is not among spec.properties: the twin never reports it, so InSync"
                            + " cannot turn True");
        }
        return Optional.empty();
    }

    /** Whether the twin reports {@code name}: a property, or (with none listed) a converter's tag or item. */
    private static boolean reported(DeviceSpec spec, String name) {
        if (spec.properties != null) {
            return spec.properties.containsKey(name);
        }
        return spec.protocol.polled();
    }

    private static Optional<String[]> unreported(DeviceSpec spec, DeviceStatus status) {
        if (spec.properties == null || spec.properties.isEmpty() || status == null || status.lastSeen == null) {
            return Optional.empty();
        }
        Optional<Condition> connected = status.condition(CONNECTED)
                .filter(c -> c.status == Condition.Status.TRUE && c.lastTransitionTime != null);
        if (connected.isEmpty()) {
            return Optional.empty();
        }
        Instant since;
        Instant seen;
        try {
            since = Instant.parse(connected.get().lastTransitionTime);
            seen = Instant.parse(status.lastSeen);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (Duration.between(since, seen).compareTo(REPORT_GRACE) < 0) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, DeviceProperty> property : spec.properties.entrySet()) {
            if (status.reported == null || !status.reported.containsKey(property.getKey())) {
                String path = property.getValue() == null || property.getValue().jsonPath == null
                        ? "$.values." + property.getKey()
                        : property.getValue().jsonPath;
                missing.add(property.getKey() + " at " + path);
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return finding(
                "PropertyNotReported",
                "seen from " + connected.get().lastTransitionTime + " to " + status.lastSeen + " but no message had a"
                        + " number, string or boolean for " + String.join(", ", missing)
                        + ": check the JSON path against what the device sends");
    }

    private static Optional<String[]> finding(String reason, String message) {
        return Optional.of(new String[] {reason, message});
    }
}

package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.DeviceReduction;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.ModbusDeviceSpec;
import io.fogbridge.operator.crd.OpcUaDeviceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Device's part of gateway.yaml: its {@code adapters.modbus.devices[]} or {@code adapters.opcua.endpoints[]} entry
 * and its {@code reduction[]} rule, with the keys exactly as the converters' sections define them. Pure.
 */
final class ConverterSections {

    private ConverterSections() {}

    static Map<String, Object> modbus(RenderedDevice rendered) {
        ModbusDeviceSpec spec = rendered.device().getSpec().modbus;
        Map<String, Object> device = identity(rendered);
        device.put("host", spec.host);
        put(device, "port", spec.port);
        put(device, "unitId", spec.unitId);
        put(device, "timeout", spec.timeout);
        if (spec.pollGroups != null && !spec.pollGroups.isEmpty()) {
            device.put(
                    "pollGroups",
                    spec.pollGroups.stream()
                            .map(g -> map("name", g.name, "interval", g.interval))
                            .toList());
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        for (ModbusDeviceSpec.Tag tag : spec.tags) {
            Map<String, Object> t = map("name", tag.name, "table", tag.table, "address", tag.address);
            put(t, "type", tag.type);
            put(t, "count", tag.count);
            put(t, "byteOrder", tag.byteOrder);
            put(t, "wordOrder", tag.wordOrder);
            put(t, "scale", tag.scale);
            put(t, "offset", tag.offset);
            put(t, "unit", tag.unit);
            put(t, "access", tag.access);
            put(t, "group", tag.group);
            tags.add(t);
        }
        device.put("tags", tags);
        return device;
    }

    static Map<String, Object> opcua(RenderedDevice rendered) {
        OpcUaDeviceSpec spec = rendered.device().getSpec().opcua;
        Map<String, Object> endpoint = identity(rendered);
        endpoint.put("url", spec.url);
        put(endpoint, "securityPolicy", spec.securityPolicy);
        put(endpoint, "securityMode", spec.securityMode);
        put(endpoint, "publishingInterval", spec.publishingInterval);
        List<Map<String, Object>> items = new ArrayList<>();
        for (OpcUaDeviceSpec.Item item : spec.items) {
            Map<String, Object> i = map("name", item.name, "nodeId", item.nodeId);
            put(i, "samplingInterval", item.samplingInterval);
            put(i, "queueSize", item.queueSize);
            put(i, "writable", item.writable);
            if (item.deadband != null) {
                i.put("deadband", map("type", item.deadband.type, "value", item.deadband.value));
            }
            items.add(i);
        }
        endpoint.put("items", items);
        return endpoint;
    }

    /** The device's {@code reduction[]} rule, or null without {@code spec.reduction}. */
    static Map<String, Object> reduction(RenderedDevice rendered) {
        DeviceReduction reduction = rendered.device().getSpec().reduction;
        if (reduction == null) {
            return null;
        }
        Map<String, Object> rule = map("name", "device-" + rendered.id(), "device", rendered.id());
        if (reduction.deadband != null && !reduction.deadband.isEmpty()) {
            rule.put("deadband", new TreeMap<>(reduction.deadband));
        }
        put(rule, "minInterval", reduction.minInterval);
        put(rule, "maxSilence", reduction.maxSilence);
        put(rule, "window", reduction.window);
        if (reduction.aggregate != null && !reduction.aggregate.isEmpty()) {
            rule.put("aggregate", new TreeMap<>(reduction.aggregate));
        }
        return rule;
    }

    private static Map<String, Object> identity(RenderedDevice rendered) {
        DeviceSpec spec = rendered.device().getSpec();
        Map<String, Object> entry = map("id", rendered.id(), "tenant", rendered.tenant());
        if (spec.labels != null && !spec.labels.isEmpty()) {
            entry.put("labels", new TreeMap<>(spec.labels));
        }
        return entry;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}

package io.fogbridge.modbus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Modbus server (a PLC, a meter, a drive behind a gateway's unit id) as the config describes it, and the Fogbridge
 * device whose topics its readings go to. Immutable.
 *
 * @param timeout longest wait for one answer; a request unanswered in time ends the connection (the next answer
 *                could belong to either request), and the device is reconnected
 * @param labels  extra Kafka headers on every record of this device
 */
public record ModbusDevice(
        String id,
        String tenant,
        String host,
        int port,
        int unitId,
        Duration timeout,
        Map<String, String> labels,
        List<Tag> tags,
        List<PollGroup> pollGroups) {

    public ModbusDevice {
        labels = Map.copyOf(labels);
        tags = List.copyOf(tags);
        pollGroups = List.copyOf(pollGroups);
    }

    /** {@code modbus://host:port/unit}: the {@code source} header of its records. */
    public String source() {
        return "modbus://" + host + ":" + port + "/" + unitId;
    }

    public Optional<Tag> tag(String name) {
        return tags.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The readable tags of one group, in config order. */
    public List<Tag> readTags(String group) {
        return tags.stream()
                .filter(t -> t.group().equals(group) && t.access().readable())
                .toList();
    }
}

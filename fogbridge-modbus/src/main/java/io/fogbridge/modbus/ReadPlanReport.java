package io.fogbridge.modbus;

import java.util.List;

/**
 * The read plan as text, for {@code fogbridge modbus plan <config>}: per device and poll group, the requests one poll
 * sends, and how many it would send without merging.
 *
 * <pre>
 * lathe-3@acme modbus://10.0.0.5:502/1 (maxGap 8)
 *   group fast every 100ms: 2 requests per poll (4 tags, 4 unmerged), 20 requests/s
 *     FC03 holding-registers 0-9 (10 registers): spindleSpeed, feedRate, temperature
 *     FC01 coils 0-0 (1 bits): doorOpen
 * </pre>
 */
final class ReadPlanReport {

    private ReadPlanReport() {}

    static String of(ModbusSettings settings) {
        StringBuilder text = new StringBuilder();
        ReadPlanner planner = new ReadPlanner(settings.maxGap());
        double total = 0;
        for (ModbusDevice device : settings.devices()) {
            text.append(device.id())
                    .append('@')
                    .append(device.tenant())
                    .append(' ')
                    .append(device.source())
                    .append(" (maxGap ")
                    .append(settings.maxGap())
                    .append(")\n");
            for (PollGroup group : device.pollGroups()) {
                List<Tag> tags = device.readTags(group.name());
                List<ReadRequest> plan = planner.plan(tags);
                double perSecond = plan.size() * 1000.0 / group.interval().toMillis();
                total += perSecond;
                text.append(String.format(
                        "  group %s every %dms: %d requests per poll (%d tags, %d unmerged), %.1f requests/s%n",
                        group.name(), group.interval().toMillis(), plan.size(), tags.size(), tags.size(), perSecond));
                plan.forEach(r -> text.append("    ").append(r).append('\n'));
            }
            List<String> writeOnly = device.tags().stream()
                    .filter(t -> !t.access().readable())
                    .map(Tag::name)
                    .toList();
            if (!writeOnly.isEmpty()) {
                text.append("  write only: ")
                        .append(String.join(", ", writeOnly))
                        .append('\n');
            }
        }
        text.append(String.format(
                "%d device(s), %.1f read requests/s in all%n",
                settings.devices().size(), total));
        return text.toString();
    }
}

package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeviceRowTest {

    private static final long NOW = 10_000_000;

    private final DeviceActivity activity =
            new DeviceActivity(message -> CompletableFuture.completedFuture(Outcome.LOCAL), () -> NOW);
    private final Registry registry = new Registry(
            Map.of("acme", tenant("acme", "lathe-1", "valve-2", "press-3"), "beta", tenant("beta", "lathe-9")));

    @Test
    void statesComeFromSessionsWhereThereAreAndFromTheLastMessageElsewhere() {
        activity.opened(new DeviceRef("acme", "lathe-1", "lathe-1"), NOW - 5_000);
        DeviceRef valve = new DeviceRef("acme", "valve-2", "valve-2");
        activity.opened(valve, NOW - 9_000);
        activity.closed(valve, NOW - 4_000);
        activity.accept(new InboundMessage(
                "telemetry/beta/lathe-9",
                new byte[] {1},
                QoS.AT_MOST_ONCE,
                new DeviceRef("beta", "lathe-9", "http:x"),
                null,
                NOW));
        Map<String, String> states = new java.util.TreeMap<>();
        DeviceRow.join(registry, activity.snapshot())
                .forEach(r -> states.put(r.name(), r.state(Instant.ofEpochMilli(NOW))));
        assertThat(states)
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                        "lathe-1", "connected",
                        "valve-2", "disconnected",
                        "press-3", "never seen",
                        "lathe-9", "active")));
    }

    @Test
    void filtersByTenantStateAndText() {
        activity.opened(new DeviceRef("acme", "lathe-1", "lathe-1"), NOW);
        List<DeviceRow> rows = DeviceRow.join(registry, activity.snapshot());
        assertThat(names(rows, new DeviceFilter("acme", "", "", ""))).containsExactly("lathe-1", "press-3", "valve-2");
        assertThat(names(rows, new DeviceFilter("", "connected", "", ""))).containsExactly("lathe-1");
        assertThat(names(rows, new DeviceFilter("", "", "LATHE", ""))).containsExactly("lathe-1", "lathe-9");
        assertThat(names(rows, new DeviceFilter("beta", "never seen", "lathe", "")))
                .containsExactly("lathe-9");
    }

    @Test
    void aConverterDeviceShowsTheLabelsItsRecordsCarryAndTheLabelFilterNarrowsToIt() {
        activity.accept(new InboundMessage(
                "event/acme/press-3/status",
                "{\"state\":\"lost\",\"reason\":\"connect failed\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "press-3", "modbus://127.0.0.1:1502/1"),
                "application/json",
                NOW,
                false,
                Map.of("source", "modbus://127.0.0.1:1502/1", "line", "B", "cell", "7")));
        // an MQTT device's user properties are not labels
        activity.accept(new InboundMessage(
                "telemetry/acme/lathe-1",
                new byte[] {1},
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "lathe-1", "lathe-1"),
                null,
                NOW,
                false,
                Map.of("line", "B")));
        List<DeviceRow> rows = DeviceRow.join(registry, activity.snapshot());

        assertThat(rows.stream()
                        .filter(r -> r.name().equals("press-3"))
                        .findFirst()
                        .orElseThrow()
                        .labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("line", "B", "cell", "7"));
        assertThat(names(rows, new DeviceFilter("", "", "", "line=B"))).containsExactly("press-3");
        assertThat(names(rows, new DeviceFilter("", "", "", " line = B "))).containsExactly("press-3");
        assertThat(names(rows, new DeviceFilter("", "", "", "cell"))).containsExactly("press-3");
        assertThat(names(rows, new DeviceFilter("", "", "", "line=A"))).isEmpty();
        assertThat(DevicePages.listLive(rows, DeviceFilter.NONE, Instant.ofEpochMilli(NOW)))
                .contains("<small class=\"label\">cell=7</small> <small class=\"label\">line=B</small>");
    }

    private static List<String> names(List<DeviceRow> rows, DeviceFilter filter) {
        return rows.stream()
                .filter(r -> r.matches(filter, Instant.ofEpochMilli(NOW)))
                .map(DeviceRow::name)
                .toList();
    }

    private static Tenant tenant(String id, String... devices) {
        Map<String, Device> all = new java.util.LinkedHashMap<>();
        for (String device : devices) {
            all.put(device, new Device(id, device, true, List.of(), Set.of(), Set.of()));
        }
        return new Tenant(id, true, List.of(), all);
    }
}

package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which changes of a config file a running gateway applies, and which need a restart. */
class LiveConfigTest {

    private static final Map<String, Object> STARTED = Map.of(
            "gateway", Map.of("id", "edge-1", "labels", Map.of("site", "plant-1")),
            "spool", Map.of("fsync", "group"),
            "routes", List.of(Map.of("from", "a/#", "to", "t.a")));

    @Test
    void routesLabelsAndScansAreLiveKeys() {
        Map<String, Object> next = Map.of(
                "gateway", Map.of("id", "edge-1", "labels", Map.of("site", "plant-2")),
                "spool", Map.of("fsync", "group"),
                "routes", List.of(Map.of("from", "b/#", "to", "t.b")),
                "discovery", List.of(Map.of("name", "plc-scan", "protocol", "modbus")));
        assertThat(LiveConfig.differences(LiveConfig.without(STARTED), LiveConfig.without(next)))
                .isEmpty();
    }

    @Test
    void anyOtherKeyNeedsARestartAndIsNamed() {
        Map<String, Object> next = Map.of(
                "gateway", Map.of("id", "edge-2", "labels", Map.of("site", "plant-1")),
                "spool", Map.of("fsync", "always"),
                "routes", List.of(Map.of("from", "a/#", "to", "t.a")),
                "adapters", Map.of("http", Map.of("enabled", true)));
        assertThat(LiveConfig.differences(LiveConfig.without(STARTED), LiveConfig.without(next)))
                .containsExactly("adapters", "gateway.id", "spool.fsync");
    }

    @Test
    void theConvertersSectionsAreLiveKeysAndTheirListenersAreNot() {
        Map<String, Object> started = Map.of(
                "gateway", Map.of("id", "edge-1"),
                "adapters", Map.of("http", Map.of("enabled", true), "modbus", Map.of("enabled", false)));
        Map<String, Object> next = Map.of(
                "gateway",
                Map.of("id", "edge-1"),
                "adapters",
                Map.of(
                        "http", Map.of("enabled", true),
                        "modbus", Map.of("enabled", true, "devices", List.of(Map.of("id", "lathe-3"))),
                        "opcua", Map.of("enabled", true)));

        assertThat(LiveConfig.LIVE_KEYS)
                .contains("adapters.modbus", "adapters.opcua")
                .doesNotContain("adapters.http");
        assertThat(LiveConfig.differences(LiveConfig.without(started), LiveConfig.without(next)))
                .isEmpty();
        assertThat(LiveConfig.changedAdapters(started, next)).containsExactly("modbus", "opcua");
        Map<String, Object> httpToo = Map.of(
                "gateway", Map.of("id", "edge-1"),
                "adapters", Map.of("http", Map.of("enabled", false), "modbus", Map.of("enabled", true)));
        assertThat(LiveConfig.differences(LiveConfig.without(started), LiveConfig.without(httpToo)))
                .containsExactly("adapters.http");
    }

    @Test
    void aConverterAddedToAFileWithoutAdaptersIsLive() {
        Map<String, Object> next = Map.of(
                "gateway", Map.of("id", "edge-1", "labels", Map.of("site", "plant-1")),
                "spool", Map.of("fsync", "group"),
                "routes", List.of(Map.of("from", "a/#", "to", "t.a")),
                "adapters", Map.of("modbus", Map.of("enabled", true)));

        assertThat(LiveConfig.differences(LiveConfig.without(STARTED), LiveConfig.without(next)))
                .isEmpty();
        assertThat(LiveConfig.changedAdapters(STARTED, next)).containsExactly("modbus");
        assertThat(LiveConfig.changedAdapters(STARTED, STARTED)).isEmpty();
    }
}

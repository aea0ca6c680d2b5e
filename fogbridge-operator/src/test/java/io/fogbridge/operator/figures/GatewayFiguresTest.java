package io.fogbridge.operator.figures;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The figures read out of a gateway's /metrics page (the lines as Micrometer's Prometheus registry writes them). */
class GatewayFiguresTest {

    private static final String PAGE = """
            # HELP fogbridge_mqtt_connections clients connected to the embedded MQTT broker
            # TYPE fogbridge_mqtt_connections gauge
            fogbridge_mqtt_connections{gateway="plant-1.lathe"} 3.0
            fogbridge_spool_records{gateway="plant-1.lathe"} 1200.0
            fogbridge_spool_bytes{gateway="plant-1.lathe"} 524288.0
            fogbridge_spool_oldest_age_seconds{gateway="plant-1.lathe"} 75.4
            fogbridge_forwarder_connected{gateway="plant-1.lathe"} 0.0
            fogbridge_spool_records_dropped_total{gateway="plant-1.lathe"} 9.0
            """;

    @Test
    void readsTheFiguresByExactName() {
        GatewayFigures figures = GatewayFigures.fromMetrics(PAGE);
        assertThat(figures).isEqualTo(new GatewayFigures(3, 1200, 524288, 75.4, false));
        assertThat(figures.oldestAge()).isEqualTo("75s");
    }

    @Test
    void theOldestAgeIsRoundedSoASteadyBacklogRewritesStatusRarely() {
        assertThat(new GatewayFigures(0, 5, 1, 130, true).oldestAge()).isEqualTo("2m");
        assertThat(new GatewayFigures(0, 5, 1, 7300, true).oldestAge()).isEqualTo("2h");
        assertThat(new GatewayFigures(0, 0, 1, 0, true).oldestAge()).isNull();
        assertThat(GatewayFigures.fromMetrics("")).isEqualTo(new GatewayFigures(0, 0, 0, 0, false));
    }
}

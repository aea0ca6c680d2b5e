package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Lane;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpoolPositionTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodesAsReadableTextAndDecodesBack() {
        SpoolPosition position = new SpoolPosition("gw-1", Lane.BULK, 1_234_567_890_123L);

        assertThat(new String(position.key(), StandardCharsets.UTF_8)).isEqualTo("gw-1/bulk");
        assertThat(new String(position.value(), StandardCharsets.UTF_8)).isEqualTo("1234567890123");
        assertThat(SpoolPosition.decode("gw-1", position.key(), position.value()))
                .isEqualTo(position);
    }

    @Test
    void everyLaneRoundTrips() {
        for (Lane lane : Lane.values()) {
            SpoolPosition position = new SpoolPosition("edge.a_b-7", lane, 0);
            assertThat(SpoolPosition.decode("edge.a_b-7", position.key(), position.value()))
                    .isEqualTo(position);
        }
    }

    @Test
    void anotherGatewaysPositionIsNotOurs() {
        SpoolPosition other = new SpoolPosition("gw-10", Lane.PRIORITY, 5);

        assertThat(SpoolPosition.decode("gw-1", other.key(), other.value())).isNull();
        assertThat(SpoolPosition.decode("gw", other.key(), other.value())).isNull();
    }

    @Test
    void tombstonesAndForeignRecordsAreIgnored() {
        assertThat(SpoolPosition.decode("gw-1", utf8("gw-1/bulk"), null)).isNull();
        assertThat(SpoolPosition.decode("gw-1", null, utf8("5"))).isNull();
        assertThat(SpoolPosition.decode("gw-1", utf8("gw-1/unknown-lane"), utf8("5")))
                .isNull();
        assertThat(SpoolPosition.decode("gw-1", utf8("gw-1/bulk"), utf8("five")))
                .isNull();
        assertThat(SpoolPosition.decode("gw-1", utf8("no-slash"), utf8("5"))).isNull();
    }

    @Test
    void noPositionYetIsMinusOneAndSurvivesTheCodec() {
        SpoolPosition none = new SpoolPosition("gw-1", Lane.BULK, -1);

        assertThat(SpoolPosition.decode("gw-1", none.key(), none.value()).sequence())
                .isEqualTo(-1);
    }
}

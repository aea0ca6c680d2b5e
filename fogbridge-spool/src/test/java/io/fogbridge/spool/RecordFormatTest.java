package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpooledRecord;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordFormatTest {

    private static Envelope sample(String key) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("device_id", "lathe-7");
        h.put("mqtt-topic", "telemetry/acme/lathe-7/spindle");
        h.put("ünïcode", "värde ✓");
        return new Envelope(
                "fog.telemetry.acme",
                key,
                h,
                new byte[] {0, 1, 2, (byte) 0xFF},
                1234567890123L,
                QoS.AT_MOST_ONCE,
                Lane.PRIORITY);
    }

    @Test
    void roundTripKeepsEveryField() {
        Envelope e = sample("lathe-7");
        byte[] rec = RecordFormat.encode(e, 42L);
        RecordFormat.seal(rec, 977L);
        ByteBuffer buf = ByteBuffer.wrap(rec);
        assertThat(RecordFormat.check(buf, 0, rec.length)).isEqualTo(rec.length);
        SpooledRecord r = new RecordFormat.Decoder().decode(buf, 0);
        assertThat(r.sequence()).isEqualTo(977L);
        assertThat(r.arrivalTime()).isEqualTo(42L);
        assertThat(r.lane()).isEqualTo(Lane.PRIORITY);
        Envelope d = r.envelope();
        assertThat(d.topic()).isEqualTo(e.topic());
        assertThat(d.key()).isEqualTo("lathe-7");
        assertThat(d.headers()).containsExactlyEntriesOf(e.headers());
        assertThat(d.payload()).containsExactly(e.payload());
        assertThat(d.creationTime()).isEqualTo(e.creationTime());
        assertThat(d.qos()).isEqualTo(QoS.AT_MOST_ONCE);
        assertThat(d.lane()).isEqualTo(Lane.PRIORITY);
    }

    @Test
    void oneDecoderKeepsEveryRecordsOwnValuesAcrossManyHeaderPositions() {
        // more header positions than the decoder caches, values that differ in one byte or in length
        // between records, and repeated ones: every decoded record must equal what was encoded
        RecordFormat.Decoder decoder = new RecordFormat.Decoder();
        for (int r = 0; r < 3_000; r++) {
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 0; i < RecordFormat.Decoder.CACHED_POSITIONS + 4; i++) {
                String value =
                        switch (i % 4) {
                            case 0 -> "lathe-" + (r % 7);
                            case 1 -> Long.toString(1_700_000_000_000L + r);
                            case 2 -> "välue-" + "x".repeat(r % 3);
                            default -> "const";
                        };
                h.put("h" + (i + r % 2), value);
            }
            Envelope e = new Envelope(
                    "fog.t." + (r % 3), "k" + (r % 11), h, new byte[] {(byte) r}, r, QoS.AT_LEAST_ONCE, Lane.BULK);
            byte[] rec = RecordFormat.encode(e, r);
            RecordFormat.seal(rec, r);
            Envelope d = decoder.decode(ByteBuffer.wrap(rec), 0).envelope();
            assertThat(d.topic()).isEqualTo(e.topic());
            assertThat(d.key()).isEqualTo(e.key());
            assertThat(d.headers()).containsExactlyEntriesOf(e.headers());
        }
    }

    @Test
    void nullKeyAndNoHeadersRoundTrip() {
        Envelope e = new Envelope("t", null, Map.of(), new byte[0], 0, QoS.AT_LEAST_ONCE, Lane.BULK);
        byte[] rec = RecordFormat.encode(e, 1);
        RecordFormat.seal(rec, 0);
        SpooledRecord r = new RecordFormat.Decoder().decode(ByteBuffer.wrap(rec), 0);
        assertThat(r.envelope().key()).isNull();
        assertThat(r.envelope().headers()).isEmpty();
        assertThat(r.envelope().payload()).isEmpty();
        assertThat(r.lane()).isEqualTo(Lane.BULK);
    }

    @Test
    void anyFlippedBitIsDetected() {
        byte[] rec = RecordFormat.encode(sample("k"), 7);
        RecordFormat.seal(rec, 3);
        for (int i = 0; i < rec.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] copy = rec.clone();
                copy[i] ^= (byte) (1 << bit);
                int r = RecordFormat.check(ByteBuffer.wrap(copy), 0, copy.length);
                assertThat(r).as("flip at byte %d bit %d", i, bit).isNotEqualTo(rec.length);
            }
        }
    }

    @Test
    void shortBufferIsIncompleteNotInvalid() {
        byte[] rec = RecordFormat.encode(sample("k"), 7);
        RecordFormat.seal(rec, 3);
        assertThat(RecordFormat.check(ByteBuffer.wrap(rec), 0, rec.length - 1)).isEqualTo(RecordFormat.INCOMPLETE);
        assertThat(RecordFormat.check(ByteBuffer.wrap(rec), 0, 5)).isEqualTo(RecordFormat.INCOMPLETE);
    }

    @Test
    void oversizeRecordIsRefused() {
        Envelope e =
                new Envelope("t", null, Map.of(), new byte[RecordFormat.MAX_BODY], 0, QoS.AT_LEAST_ONCE, Lane.BULK);
        assertThatThrownBy(() -> RecordFormat.encode(e, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policiesParseAndPrintTheirConfigForm() {
        assertThat(FsyncPolicy.parse("group")).isEqualTo(new FsyncPolicy.Group());
        assertThat(FsyncPolicy.parse("interval:5")).isEqualTo(new FsyncPolicy.Interval(5));
        assertThat(FsyncPolicy.parse("interval:5").toString()).isEqualTo("interval:5");
        assertThat(FsyncPolicy.parse("group").toString()).isEqualTo("group");
        assertThatThrownBy(() -> FsyncPolicy.parse("always")).hasMessageContaining("interval:<ms>");
        assertThatThrownBy(() -> FsyncPolicy.parse("interval:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FsyncPolicy.parse("interval:x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(FullPolicy.parse("drop-oldest")).isEqualTo(FullPolicy.DROP_OLDEST);
        assertThat(FullPolicy.parse("BLOCK")).isEqualTo(FullPolicy.BLOCK);
        assertThat(FullPolicy.DROP_NEWEST.toString()).isEqualTo("drop-newest");
        assertThatThrownBy(() -> FullPolicy.parse("drop")).hasMessageContaining("drop-oldest");
    }
}

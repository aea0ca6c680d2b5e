package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpooledRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class RecordMapperTest {

    private final RecordMapper mapper = new RecordMapper("gw-ü1");

    @Test
    void fogSeqBytesSpellTheSameTextAsTheStringFormAtEveryDigitCount() {
        long[] sequences = {0, 7, 9, 10, 99, 100, 12_345, 1_000_000_007L, Long.MAX_VALUE, -1};
        for (Lane lane : Lane.values()) {
            for (long sequence : sequences) {
                String expected = "gw-ü1/" + lane.id() + "/" + sequence;
                assertThat(new String(mapper.fogSeqBytes(lane, sequence), StandardCharsets.UTF_8))
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void replacesAnUpstreamFogSeqAndKeepsTheOtherHeadersInOrder() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("device_id", "d1");
        headers.put("fog-seq", "forged/bulk/1");
        headers.put("qos", "1");
        Envelope envelope =
                new Envelope("fog.telemetry.t", "d1", headers, new byte[] {1, 2}, 42L, QoS.AT_LEAST_ONCE, Lane.BULK);
        ProducerRecord<byte[], byte[]> record =
                mapper.toProducerRecord(new SpooledRecord(Lane.BULK, 1234, 42L, envelope));

        StringBuilder seen = new StringBuilder();
        record.headers().forEach(h -> seen.append(h.key())
                .append('=')
                .append(new String(h.value(), StandardCharsets.UTF_8))
                .append(';'));
        assertThat(seen).hasToString("device_id=d1;qos=1;fog-seq=gw-ü1/bulk/1234;");
        assertThat(record.timestamp()).isEqualTo(42L);
        assertThat(record.key()).isEqualTo("d1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyRecordCarriesItsOwnHeaderValuesWhenValuesRepeatAndShift() {
        // 100 devices interleaved, a unique creation time, an upstream fog-seq on some records (it shifts the
        // positions of the headers after it), more headers than the mapper caches positions, non-ASCII values
        for (int r = 0; r < 2_000; r++) {
            Map<String, String> headers = new LinkedHashMap<>();
            String device = "lathe-" + (r % 100);
            headers.put("device_id", device);
            if (r % 5 == 0) {
                headers.put("fog-seq", "upstream/" + r);
            }
            headers.put("gateway_id", "gw-ü1");
            headers.put("creation-time", Long.toString(1_700_000_000_000L + r));
            headers.put("mqtt-topic", "telemetry/plänt-1/" + device);
            for (int i = 0; i < RecordMapper.CACHED_POSITIONS; i++) {
                headers.put("label-" + i, i % 2 == 0 ? "v" + (r % 3) : "const");
            }
            Envelope envelope = new Envelope(
                    "fog.telemetry.t", device, headers, new byte[] {1}, 42L + r, QoS.AT_LEAST_ONCE, Lane.BULK);
            ProducerRecord<byte[], byte[]> record =
                    mapper.toProducerRecord(new SpooledRecord(Lane.BULK, r, 42L, envelope));

            StringBuilder expected = new StringBuilder();
            headers.forEach((k, v) -> {
                if (!k.equals("fog-seq")) {
                    expected.append(k).append('=').append(v).append(';');
                }
            });
            expected.append("fog-seq=gw-ü1/bulk/").append(r).append(';');
            StringBuilder seen = new StringBuilder();
            record.headers().forEach(h -> seen.append(h.key())
                    .append('=')
                    .append(new String(h.value(), StandardCharsets.UTF_8))
                    .append(';'));
            assertThat(seen).as("record %d", r).hasToString(expected.toString());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(device);
        }
    }
}

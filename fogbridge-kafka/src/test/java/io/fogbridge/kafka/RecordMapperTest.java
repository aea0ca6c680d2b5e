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
}

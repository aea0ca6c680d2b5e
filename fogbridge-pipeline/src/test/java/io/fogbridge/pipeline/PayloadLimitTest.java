package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import org.junit.jupiter.api.Test;

class PayloadLimitTest {

    private static UplinkRecord record(int size) {
        return UplinkRecord.of(
                new InboundMessage("any/topic", new byte[size], QoS.AT_LEAST_ONCE, DeviceRef.anonymous("c"), null, 1L));
    }

    @Test
    void aPayloadAtTheLimitGoesOnUnchanged() {
        UplinkRecord record = record(100);
        assertThat(new PayloadLimit(100).apply(record)).isSameAs(record);
    }

    @Test
    void aPayloadOverTheLimitIsRefusedWith413() {
        assertThat(new PayloadLimit(100).apply(record(101)))
                .isEqualTo(new Verdict.Refuse("too-large", 413, "payload of 101 bytes exceeds 100", false));
    }
}

package io.fogbridge.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.HeaderList;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UplinkRecordTest {

    private static final InboundMessage MESSAGE = new InboundMessage(
            "telemetry/acme/pump-3", new byte[] {1, 2}, QoS.AT_LEAST_ONCE, DeviceRef.anonymous("c"), null, 42L);
    private static final Destination DESTINATION = new Destination(
            "telemetry", "fog.telemetry.acme", "pump-3", "acme", "pump-3", QoS.AT_LEAST_ONCE, Lane.BULK, null);

    @Test
    void startsUnroutedWithThePayloadAsReceived() {
        UplinkRecord record = UplinkRecord.of(MESSAGE);
        assertThat(record.routed()).isFalse();
        assertThat(record.destination()).isNull();
        assertThat(record.headers()).isEmpty();
        assertThat(record.payload()).isSameAs(MESSAGE.payload());
    }

    @Test
    void transformationsReturnCopiesAndKeepTheRest() {
        UplinkRecord received = UplinkRecord.of(MESSAGE);
        UplinkRecord routed = received.routedTo(DESTINATION);
        UplinkRecord enriched = routed.withHeaders(new LinkedHashMap<>(Map.of("gateway_id", "edge-1")));
        UplinkRecord reduced = enriched.withPayload(new byte[] {9});

        assertThat(received.routed()).isFalse();
        assertThat(routed.headers()).isEmpty();
        assertThat(enriched.payload()).containsExactly(1, 2);
        assertThat(reduced.message()).isSameAs(MESSAGE);
        assertThat(reduced.destination()).isSameAs(DESTINATION);
        assertThat(reduced.headers()).containsExactly(Map.entry("gateway_id", "edge-1"));
        assertThat(reduced.payload()).containsExactly(9);
    }

    @Test
    void headersCannotBeChangedThroughTheRecord() {
        UplinkRecord record = UplinkRecord.of(MESSAGE).withHeaders(new LinkedHashMap<>(Map.of("a", "1")));
        assertThatThrownBy(() -> record.headers().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void headersAreCopiedUnlessTheyAreAHeaderListAlready() {
        Map<String, String> source = new LinkedHashMap<>(Map.of("a", "1"));
        UplinkRecord copied = UplinkRecord.of(MESSAGE).withHeaders(source);
        source.put("b", "2"); // the caller's map changes afterwards: the record does not
        assertThat(copied.headers()).containsExactly(Map.entry("a", "1"));

        HeaderList list = HeaderList.builder(1).put("a", "1").build();
        assertThat(UplinkRecord.of(MESSAGE).withHeaders(list).headers()).isSameAs(list);
    }

    @Test
    void aRecordIsTheVerdictToGoOn() {
        Verdict verdict = UplinkRecord.of(MESSAGE);
        assertThat(verdict).isInstanceOf(UplinkRecord.class);
    }

    @Test
    void refusalsCarryAnErrorStatus() {
        assertThat(Verdict.refuse("too-large", 413, "big").retriable()).isFalse();
        assertThatThrownBy(() -> Verdict.refuse("odd", 200, "fine")).hasMessageContaining("200");
    }
}

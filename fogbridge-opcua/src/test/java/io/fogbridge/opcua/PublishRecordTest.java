package io.fogbridge.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.junit.jupiter.api.Test;

class PublishRecordTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void valuesQualityAndTimestampsAsDocumented() throws Exception {
        PublishRecord record = new PublishRecord();
        record.add("level", value(new Variant(42.5), StatusCode.GOOD, 1_000, 1_005));
        record.add("count", value(new Variant(UInteger.valueOf(4_000_000_000L)), StatusCode.GOOD, 2_000, 2_004));
        record.add(
                "big", value(new Variant(ULong.valueOf(Long.MAX_VALUE).add(ULong.valueOf(1))), StatusCode.GOOD, 0, 0));
        record.add("label", value(new Variant(LocalizedText.english("full")), StatusCode.GOOD, 0, 0));
        record.add("pair", value(new Variant(new Integer[] {1, 2}), StatusCode.GOOD, 0, 0));
        record.add("nan", value(new Variant(Double.NaN), StatusCode.GOOD, 0, 0));
        record.add("gone", value(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_NodeIdUnknown), 0, 0));
        record.add("shaky", value(new Variant(true), new StatusCode(StatusCodes.Uncertain_LastUsableValue), 0, 0));

        JsonNode json = JSON.readTree(record.encode(9_999));

        assertThat(json.get("ts").longValue()).isEqualTo(2_000);
        assertThat(json.get("serverTs").longValue()).isEqualTo(2_004);
        JsonNode values = json.get("values");
        assertThat(values.get("level").doubleValue()).isEqualTo(42.5);
        assertThat(values.get("count").longValue()).isEqualTo(4_000_000_000L);
        assertThat(values.get("big").bigIntegerValue().toString()).isEqualTo("9223372036854775808");
        assertThat(values.get("label").textValue()).isEqualTo("full");
        assertThat(values.get("pair").toString()).isEqualTo("[1,2]");
        assertThat(values.get("nan").textValue()).isEqualTo("NaN");
        assertThat(values.get("gone").isNull()).isTrue();
        assertThat(values.get("shaky").booleanValue()).isTrue();
        assertThat(json.get("quality").get("level").textValue()).isEqualTo("good");
        assertThat(json.get("quality").get("gone").textValue()).isEqualTo("bad:Bad_NodeIdUnknown");
        assertThat(json.get("quality").get("shaky").textValue()).isEqualTo("uncertain:Uncertain_LastUsableValue");
    }

    @Test
    void withoutTimestampsTheReceiveTimeIsTheRecordTime() throws Exception {
        PublishRecord record = new PublishRecord();
        record.add("x", new DataValue(new Variant(1), StatusCode.GOOD, null, null));

        JsonNode json = JSON.readTree(record.encode(7_777));

        assertThat(json.get("ts").longValue()).isEqualTo(7_777);
        assertThat(json.get("serverTs").isNull()).isTrue();
    }

    @Test
    void aPublishOverTheRecordLimitIsSplitAndAValueThatAloneIsTooLargeIsSentAsNull() throws Exception {
        PublishRecord record = new PublishRecord();
        record.add("a", value(new Variant("a".repeat(40_000)), StatusCode.GOOD, 1_000, 1_001));
        record.add("b", value(new Variant("b".repeat(40_000)), StatusCode.GOOD, 2_000, 2_001));
        Double[] huge = new Double[200_000];
        java.util.Arrays.fill(huge, 1.5);
        record.add("huge", value(new Variant(huge), StatusCode.GOOD, 0, 0));
        record.add("c", value(new Variant(7), StatusCode.GOOD, 0, 0));

        PublishRecord.Encoded encoded = record.encode(9_999, 65_536);

        assertThat(encoded.payloads()).hasSize(2).allSatisfy(p -> assertThat(p.length)
                .isLessThanOrEqualTo(65_536));
        assertThat(encoded.tooLarge()).containsOnlyKeys("huge");
        assertThat(encoded.tooLarge().get("huge")).isGreaterThan(65_536L).isLessThan(65_536L + 16_384);
        JsonNode first = JSON.readTree(encoded.payloads().get(0));
        JsonNode second = JSON.readTree(encoded.payloads().get(1));
        assertThat(first.get("values").get("a").textValue()).hasSize(40_000);
        assertThat(second.get("values").get("b").textValue()).hasSize(40_000);
        assertThat(second.get("values").get("huge").isNull()).isTrue();
        assertThat(second.get("quality").get("huge").textValue()).isEqualTo("bad:Bad_EncodingLimitsExceeded");
        assertThat(second.get("values").get("c").intValue()).isEqualTo(7);
        // one publish: every part carries its timestamps
        assertThat(first.get("ts").longValue()).isEqualTo(2_000);
        assertThat(second.get("serverTs").longValue()).isEqualTo(2_001);

        // under the limit: one payload, the same bytes as unbounded
        PublishRecord small = new PublishRecord();
        small.add("c", value(new Variant(7), StatusCode.GOOD, 5, 6));
        assertThat(small.encode(1, 65_536).payloads()).singleElement().isEqualTo(small.encode(1));
    }

    static DataValue value(Variant variant, StatusCode status, long source, long server) {
        return new DataValue(
                variant,
                status,
                source == 0 ? null : new DateTime(java.time.Instant.ofEpochMilli(source)),
                server == 0 ? null : new DateTime(java.time.Instant.ofEpochMilli(server)));
    }
}

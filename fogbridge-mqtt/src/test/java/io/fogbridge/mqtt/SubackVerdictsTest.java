package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubackVerdictsTest {

    private static final SubackVerdicts.Verdict DENIED =
            new SubackVerdicts.Verdict(SubackReasonCode.NOT_AUTHORIZED, "not authorized");
    private static final SubackVerdicts.Verdict INVALID =
            new SubackVerdicts.Verdict(SubackReasonCode.TOPIC_FILTER_INVALID, "tenant id in the topic is not valid");

    @Test
    void nothingRefusedLeavesTheSubackAlone() {
        assertThat(SubackVerdicts.encode(Arrays.asList(null, null))).isNull();
    }

    @Test
    void ourCodesAndReasonsReplaceTheBrokersWhereWeRefused() {
        SubackVerdicts verdicts = SubackVerdicts.decode(SubackVerdicts.encode(Arrays.asList(DENIED, null, INVALID)));
        assertThat(verdicts.apply(List.of(
                        SubackReasonCode.NOT_AUTHORIZED,
                        SubackReasonCode.GRANTED_QOS_1,
                        SubackReasonCode.NOT_AUTHORIZED)))
                .containsExactly(
                        SubackReasonCode.NOT_AUTHORIZED,
                        SubackReasonCode.GRANTED_QOS_1,
                        SubackReasonCode.TOPIC_FILTER_INVALID);
        assertThat(verdicts.reasonString()).isEqualTo("not authorized. tenant id in the topic is not valid. ");
    }

    @Test
    void aPositionTheBrokerGrantedKeepsItsCode() {
        // HiveMQ rejects a switch from success to failure; the broker's grant there means the rewrite did not happen.
        SubackVerdicts verdicts = SubackVerdicts.decode(SubackVerdicts.encode(List.of(INVALID)));
        assertThat(verdicts.apply(List.of(SubackReasonCode.GRANTED_QOS_0)))
                .containsExactly(SubackReasonCode.GRANTED_QOS_0);
    }

    @Test
    void onlyFiltersHiveMqDisconnectsForAreLeftAsSent() {
        assertThat(SubackVerdicts.wellFormed("telemetry/#")).isTrue();
        assertThat(SubackVerdicts.wellFormed("$share/group/command/+/+/req/#")).isTrue();
        assertThat(SubackVerdicts.wellFormed("$share/g/"))
                .as("rewritten: refused with 0x87 at worst")
                .isTrue();
        assertThat(SubackVerdicts.wellFormed("$share/+/x")).isFalse();
        assertThat(SubackVerdicts.wellFormed("$share//x")).isFalse();
        assertThat(SubackVerdicts.wellFormed("$share/g")).isFalse();
        assertThat(SubackVerdicts.wellFormed("")).isFalse();
        assertThat(SubackVerdicts.wellFormed("a/#/b")).isFalse();
        assertThat(SubackVerdicts.wellFormed("a/b#")).isFalse();
        assertThat(SubackVerdicts.wellFormed("a+/b")).isFalse();
        assertThat(SubackVerdicts.wellFormed("a/\0")).isFalse();
    }
}

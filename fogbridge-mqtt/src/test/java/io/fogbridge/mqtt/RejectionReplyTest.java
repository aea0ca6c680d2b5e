package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import io.fogbridge.api.Outcome;
import org.junit.jupiter.api.Test;

class RejectionReplyTest {

    @Test
    void mapsHttpLikeStatusesToPubackReasonCodes() {
        assertThat(reply(400).code()).isEqualTo(AckReasonCode.PAYLOAD_FORMAT_INVALID);
        assertThat(reply(403).code()).isEqualTo(AckReasonCode.NOT_AUTHORIZED);
        assertThat(reply(413).code()).isEqualTo(AckReasonCode.QUOTA_EXCEEDED);
        assertThat(reply(413).metricReason()).isEqualTo("too-large");
        assertThat(reply(503).code()).isEqualTo(AckReasonCode.QUOTA_EXCEEDED);
        assertThat(reply(503).metricReason()).isEqualTo("unavailable");
        assertThat(reply(500).code()).isEqualTo(AckReasonCode.UNSPECIFIED_ERROR);
        assertThat(reply(418).metricReason()).isEqualTo("error");
    }

    private static RejectionReply reply(int status) {
        return RejectionReply.of(new Outcome.Rejected(status, "why", false));
    }
}

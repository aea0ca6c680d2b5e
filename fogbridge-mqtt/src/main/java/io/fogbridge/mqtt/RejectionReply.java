package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import io.fogbridge.api.Outcome;

/**
 * How a {@link Outcome.Rejected} is said in MQTT: the PUBACK reason code for an MQTT 5 client (a 3.1.1 client, which
 * has no way to hear a refusal, is disconnected by HiveMQ instead) and the metric tag.
 *
 * <p>PUBACK has no "packet too large" code (0x95 exists only in DISCONNECT), so a 413 from the uplink is reported as
 * quota exceeded with the reason string; oversized payloads caught at the broker get the real 0x95 disconnect.
 */
record RejectionReply(AckReasonCode code, String metricReason) {

    static RejectionReply of(Outcome.Rejected rejected) {
        return switch (rejected.status()) {
            case 400 -> new RejectionReply(AckReasonCode.PAYLOAD_FORMAT_INVALID, "invalid");
            case 401, 403 -> new RejectionReply(AckReasonCode.NOT_AUTHORIZED, "not-authorized");
            case 413 -> new RejectionReply(AckReasonCode.QUOTA_EXCEEDED, MqttMetrics.TOO_LARGE);
            // Spool full (or unavailable): a limit the device can wait out, which is what 0x97 tells it.
            case 429, 503, 507 -> new RejectionReply(AckReasonCode.QUOTA_EXCEEDED, "unavailable");
            default -> new RejectionReply(AckReasonCode.UNSPECIFIED_ERROR, MqttMetrics.ERROR);
        };
    }

    /** The code's value on the wire, for the device relay, which writes the PUBACK itself (decision 0001). */
    int wireCode() {
        return switch (code) {
            case SUCCESS -> 0x00;
            case NO_MATCHING_SUBSCRIBERS -> 0x10;
            case IMPLEMENTATION_SPECIFIC_ERROR -> 0x83;
            case NOT_AUTHORIZED -> 0x87;
            case TOPIC_NAME_INVALID -> 0x90;
            case PACKET_IDENTIFIER_IN_USE -> 0x91;
            case QUOTA_EXCEEDED -> 0x97;
            case PAYLOAD_FORMAT_INVALID -> 0x99;
            default -> 0x80;
        };
    }

    /** The uplink's future failed instead of completing with an outcome: a bug or a crash downstream. */
    static RejectionReply failure() {
        return new RejectionReply(AckReasonCode.UNSPECIFIED_ERROR, MqttMetrics.ERROR);
    }
}

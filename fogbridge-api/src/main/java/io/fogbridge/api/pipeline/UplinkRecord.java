package io.fogbridge.api.pipeline;

import io.fogbridge.api.HeaderList;
import io.fogbridge.api.InboundMessage;
import java.util.Map;
import java.util.Objects;

/**
 * One message on its way through the uplink pipeline: the message as received, and what the stages so far made of
 * it. Immutable: a stage that transforms returns a copy, so a stage may keep a record (a window's last value) and
 * nothing changes under it.
 *
 * <p>Returning a record from {@link UplinkStage#apply} means "go on" (see {@link Verdict}).
 */
public final class UplinkRecord implements Verdict {

    private final InboundMessage message;
    private final byte[] payload;
    private final Destination destination;
    private final Map<String, String> headers;

    private UplinkRecord(InboundMessage message, byte[] payload, Destination destination, Map<String, String> headers) {
        this.message = message;
        this.payload = payload;
        this.destination = destination;
        this.headers = headers;
    }

    /** A record that no stage has seen yet: not routed, no headers, the payload as received. */
    public static UplinkRecord of(InboundMessage message) {
        return new UplinkRecord(Objects.requireNonNull(message, "message"), message.payload(), null, HeaderList.of());
    }

    /** The message as the adapter received it: sender, MQTT topic, QoS asked for, arrival time; never changed. */
    public InboundMessage message() {
        return message;
    }

    /** The bytes the append will write: the received payload unless a stage replaced it. Must not be modified. */
    public byte[] payload() {
        return payload;
    }

    /** Where the record goes; null until the routing stage ran. */
    public Destination destination() {
        return destination;
    }

    public boolean routed() {
        return destination != null;
    }

    /** The Kafka record headers in order; empty until the enrichment stage ran. Unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /** This record sent to {@code destination} (the routing stage's result). */
    public UplinkRecord routedTo(Destination destination) {
        return new UplinkRecord(message, payload, Objects.requireNonNull(destination, "destination"), headers);
    }

    /**
     * This record with other headers. A stage that replaces the headers keeps the contract ones (ARCHITECTURE.md,
     * "Kafka records"): consumers rely on them.
     *
     * @param headers in order; copied unless it is a {@link HeaderList} (which is immutable)
     */
    public UplinkRecord withHeaders(Map<String, String> headers) {
        return new UplinkRecord(message, payload, destination, HeaderList.copyOf(headers));
    }

    /**
     * This record with another payload (a window's aggregate, a converted value). The payload limit is not checked
     * again; a stage that changes the format also sets the {@code content-type} header.
     *
     * @param payload not copied, so must not be modified afterwards
     */
    public UplinkRecord withPayload(byte[] payload) {
        return new UplinkRecord(message, Objects.requireNonNull(payload, "payload"), destination, headers);
    }

    @Override
    public String toString() {
        return "UplinkRecord[topic=" + message.topic() + ", sender=" + message.sender() + ", payload=" + payload.length
                + " B, destination=" + destination + ", headers=" + headers + "]";
    }
}

package io.fogbridge.api;

import java.util.Objects;

/**
 * One downlink command on its way from the cloud to a device (ARCHITECTURE.md, "Kafka records").
 * Immutable; the payload array is owned by the command and must not be modified.
 *
 * <p>The request id a device sees (MQTT topic level, HTTP/CoAP header) is the {@code correlationId}
 * itself, so the device's response ({@code command/{tenant}/{device}/res/{request-id}/{status}})
 * carries the correlation id back to the cloud without any lookup at the edge. The gateway only
 * accepts correlation ids that are valid single MQTT topic levels (no {@code / + #}, not empty).
 *
 * @param id               gateway-internal identity of this command, unique and stable across
 *                         restarts (for example {@code fog.command.acme/0/42}); adapters pass the
 *                         command back unchanged, they never need to parse it
 * @param tenant           target tenant
 * @param device           target device
 * @param name             the command name (Kafka header {@code subject})
 * @param correlationId    correlation id, or null for a one-way command
 * @param responseRequired whether the cloud application waits for a device response
 * @param payload          the payload bytes, unchanged
 * @param contentType      content type of the payload, or null
 * @param createdAt        ms since epoch when the command was produced (the Kafka record timestamp)
 * @param deadline         ms since epoch after which the command must not be delivered ({@code createdAt + ttl})
 */
public record Command(
        String id,
        String tenant,
        String device,
        String name,
        String correlationId,
        boolean responseRequired,
        byte[] payload,
        String contentType,
        long createdAt,
        long deadline) {

    public Command {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
    }

    /** True when the device is not expected to answer: no correlation id, or the cloud said no response. */
    public boolean oneWay() {
        return correlationId == null || !responseRequired;
    }

    /** The request id the device sees: the correlation id, or the empty string for a one-way command. */
    public String requestId() {
        return correlationId == null ? "" : correlationId;
    }

    /** True once {@code now} (ms since epoch) is past the deadline. */
    public boolean expiredAt(long now) {
        return now > deadline;
    }

    @Override
    public String toString() {
        return "Command[id=" + id + ", " + tenant + "/" + device + " " + name + ", correlationId=" + correlationId
                + ", responseRequired=" + responseRequired + ", payload=" + payload.length + " B, deadline="
                + deadline + "]";
    }
}

package io.fogbridge.command;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Topics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the failure responses the gateway itself sends to {@code fog.command_response.{tenant}} when it
 * could not deliver a command (ARCHITECTURE.md, "Kafka records"): key = device, headers {@code device_id},
 * {@code tenant_id}, {@code gateway_id}, {@code correlation-id}, {@code status}, {@code delivery-failure: true},
 * {@code content-type: text/plain}, {@code creation-time}; the payload is the reason as text. They go
 * through the spool on the priority lane, so they are as durable as device traffic. Pure, thread-safe.
 */
final class CommandResponses {

    private final String gatewayId;

    CommandResponses(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    /**
     * @param device        the target device, or null when the command named none
     * @param correlationId the command's correlation id, or null
     */
    Envelope failure(String tenant, String device, String correlationId, int status, String reason, long now) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (device != null) {
            headers.put(Headers.DEVICE_ID, device);
        }
        headers.put(Headers.TENANT_ID, tenant);
        headers.put(Headers.GATEWAY_ID, gatewayId);
        if (correlationId != null) {
            headers.put(Headers.CORRELATION_ID, correlationId);
        }
        headers.put(Headers.STATUS, Integer.toString(status));
        headers.put(Headers.DELIVERY_FAILURE, "true");
        headers.put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.put(Headers.CREATION_TIME, Long.toString(now));
        return new Envelope(
                Topics.commandResponseTopic(tenant),
                device,
                headers,
                reason.getBytes(StandardCharsets.UTF_8),
                now,
                QoS.AT_LEAST_ONCE,
                Lane.PRIORITY);
    }
}

package io.fogbridge.pipeline;

import io.fogbridge.api.HeaderList;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.api.pipeline.Verdict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the Kafka record headers of a routed message, always in this order:
 *
 * <ol>
 *   <li>{@code device_id} — when known (device routes always; configured routes from a {@code +device} capture or
 *       the sender's identity)
 *   <li>{@code tenant_id} — when known (same rule, {@code +tenant})
 *   <li>{@code gateway_id}
 *   <li>{@code content-type} — the sender's (MQTT 5, HTTP, CoAP), else {@value #DEFAULT_CONTENT_TYPE}: the payload
 *       is passed on unchanged and is opaque to us, and RFC 2046 names that type for opaque bytes; so consumers can
 *       rely on the header being present
 *   <li>{@code creation-time} — arrival at the edge, ms since epoch
 *   <li>{@code qos} — {@code 0} or {@code 1}: the guarantee the gateway applied (the route's override, else the
 *       sender's)
 *   <li>{@code mqtt-topic} — the topic as published (before short forms were filled in); or, for a message an
 *       adapter read from a non-MQTT device, {@code source} (protocol and endpoint) in its place, followed by that
 *       device's labels ({@link InboundMessage#headers()})
 *   <li>{@code mqtt-will} — {@code true}, only on an MQTT will (the device's connection ended uncleanly)
 *   <li>the route's own headers (command responses: {@code correlation-id}, {@code status})
 *   <li>the configured labels, each as a header named by its key
 * </ol>
 *
 * {@code fog-seq} is added later by the forwarder, which knows the spool sequence.
 *
 * <p>As a pipeline stage it runs right after routing and gives the record its headers; it never ends a message.
 * Immutable and thread-safe.
 */
public final class Enricher implements UplinkStage {

    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final String gatewayId;
    private final Map<String, String> labels;

    /**
     * @param labels site, location, node labels …: header name → value, in the order they are added
     * @throws IllegalArgumentException when a label takes a contract header name
     */
    public Enricher(String gatewayId, Map<String, String> labels) {
        this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
        for (String name : labels.keySet()) {
            if (ContractHeaders.isReserved(name)) {
                throw new IllegalArgumentException("label '" + name + "' collides with a contract header name");
            }
        }
        this.labels = new LinkedHashMap<>(labels);
    }

    /** @throws IllegalStateException when the record was not routed: the stages are out of order */
    @Override
    public Verdict apply(UplinkRecord record) {
        Destination destination = record.destination();
        if (destination == null) {
            throw new IllegalStateException("enrichment runs after routing; " + record + " was not routed");
        }
        return record.withHeaders(headers(
                record.message(),
                destination.tenant(),
                destination.device(),
                destination.routeHeaders(),
                destination.qos()));
    }

    public Map<String, String> headers(InboundMessage message, RouteDecision.Forward forward, QoS effectiveQos) {
        return headers(message, forward.tenant(), forward.device(), forward.extraHeaders(), effectiveQos);
    }

    private Map<String, String> headers(
            InboundMessage message, String tenant, String device, Map<String, String> routeHeaders, QoS effectiveQos) {
        HeaderList.Builder headers = HeaderList.builder(10 + labels.size());
        if (device != null) {
            headers.put(Headers.DEVICE_ID, device);
        }
        if (tenant != null) {
            headers.put(Headers.TENANT_ID, tenant);
        }
        headers.put(Headers.GATEWAY_ID, gatewayId);
        String contentType = message.contentType();
        headers.put(
                Headers.CONTENT_TYPE,
                contentType == null || contentType.isEmpty() ? DEFAULT_CONTENT_TYPE : contentType);
        headers.put(Headers.CREATION_TIME, Long.toString(message.arrivalTime()));
        headers.put(Headers.QOS, Integer.toString(effectiveQos.mqttLevel()));
        if (!message.headers().containsKey(Headers.SOURCE)) {
            headers.put(Headers.MQTT_TOPIC, message.topic());
        }
        headers.putAll(message.headers()); // a poller's source (in place of mqtt-topic) and device labels
        if (message.will()) {
            headers.put(Headers.MQTT_WILL, "true");
        }
        headers.putAll(routeHeaders);
        headers.putAll(labels);
        return headers.build();
    }
}

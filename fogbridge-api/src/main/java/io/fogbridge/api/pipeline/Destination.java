package io.fogbridge.api.pipeline;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import java.util.Map;
import java.util.Objects;

/**
 * Where a routed message leaves the edge, as the routing stage decided it.
 *
 * @param route        the route's name (metrics, logs)
 * @param topic        the Kafka topic, rendered
 * @param key          the Kafka key, or null
 * @param tenant       the tenant the record belongs to, or null when unknown
 * @param device       the device the record is about (named in the topic or the sender's identity), or null when
 *                     unknown
 * @param qos          the guarantee the append applies: the route's override, else the sender's
 * @param lane         the spool lane
 * @param routeHeaders the route's own headers, rendered (command responses: {@code correlation-id}, {@code
 *                     status}); not copied, so must not be modified after construction
 */
public record Destination(
        String route,
        String topic,
        String key,
        String tenant,
        String device,
        QoS qos,
        Lane lane,
        Map<String, String> routeHeaders) {

    public Destination {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(lane, "lane");
        routeHeaders = routeHeaders == null ? Map.of() : routeHeaders;
    }
}

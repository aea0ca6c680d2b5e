package io.fogbridge.pipeline;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One way off the edge: the MQTT topics a filter matches go to a Kafka topic (and key) rendered from its
 * captures.
 *
 * @param name    a name for metrics and logs; defaults to the filter text
 * @param from    which topics the route takes
 * @param to      the Kafka topic template; uses only captures of {@code from}
 * @param key     the Kafka key template, or null: then the key is the sender's device id, or its client id for
 *                an anonymous publisher, so one publisher's records stay in one partition, in order
 * @param qos     the guarantee to apply regardless of what the sender asked, or null to keep the sender's.
 *                {@link QoS#AT_MOST_ONCE} answers the sender at once, even for an MQTT QoS 1 publish;
 *                {@link QoS#AT_LEAST_ONCE} waits for the durable append even for QoS 0
 * @param lane    the spool lane
 * @param headers extra record headers rendered from the captures (the built-in command response route sets
 *                {@code correlation-id} and {@code status} this way); empty for configured routes
 */
public record Route(
        String name,
        TopicFilter from,
        TopicTemplate to,
        TopicTemplate key,
        QoS qos,
        Lane lane,
        Map<String, TopicTemplate> headers) {

    public Route {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(lane, "lane");
        name = name == null || name.isBlank() ? from.text() : name;
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers == null ? Map.of() : headers));
    }

    /**
     * Parses a configured route.
     *
     * @param name  may be null (the filter text is used)
     * @param key   may be null
     * @param qos   may be null (keep the sender's)
     * @param lane  may be null ({@link Lane#BULK})
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Route of(String name, String from, String to, String key, QoS qos, Lane lane) {
        TopicFilter filter = TopicFilter.parse(from);
        TopicTemplate topic = TopicTemplate.parseKafkaTopic(to, filter.captureNames());
        TopicTemplate keyTemplate = key == null ? null : TopicTemplate.parse(key, filter.captureNames());
        return new Route(name, filter, topic, keyTemplate, qos, lane == null ? Lane.BULK : lane, Map.of());
    }

    /** The guarantee this route gives a message the sender published with {@code published}. */
    public QoS effectiveQos(QoS published) {
        return qos == null ? published : qos;
    }
}

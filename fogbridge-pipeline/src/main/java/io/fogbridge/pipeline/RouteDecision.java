package io.fogbridge.pipeline;

import java.util.Map;

/** What the {@link RouteTable} decided for one inbound message. */
public sealed interface RouteDecision {

    /**
     * Leave the edge through {@code route}, to this Kafka topic and key.
     *
     * @param tenant       the tenant the record belongs to, or null when unknown
     * @param device       the device the record is about (for device routes: the one named in the topic, or the
     *                     sender's identity when the topic left it out), or null when unknown. Issue 4's ACL
     *                     compares this with the sender.
     * @param extraHeaders the route's own headers, rendered
     */
    record Forward(
            Route route, String topic, String key, String tenant, String device, Map<String, String> extraHeaders)
            implements RouteDecision {}

    /** No route matched: the message stays on the local bus (default deny). */
    record Stay() implements RouteDecision {}

    /** A route matched but the message cannot be forwarded as it is (illegal rendered topic, missing identity). */
    record Refuse(String reason) implements RouteDecision {}

    Stay STAY = new Stay();
}

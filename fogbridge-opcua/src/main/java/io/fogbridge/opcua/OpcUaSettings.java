package io.fogbridge.opcua;

import java.time.Duration;
import java.util.List;

/**
 * {@code adapters.opcua.*} as read from the configuration ({@link OpcUaSection}). Immutable.
 *
 * @param reconnectDelay first wait before reconnecting a lost endpoint; doubles up to {@code reconnectMax}, with
 *                       jitter
 * @param requestTimeout longest wait for one service call (connect, create subscription, read)
 */
public record OpcUaSettings(
        boolean enabled,
        Duration reconnectDelay,
        Duration reconnectMax,
        Duration requestTimeout,
        List<OpcUaEndpoint> endpoints) {

    public OpcUaSettings {
        endpoints = List.copyOf(endpoints);
    }

    @Override
    public String toString() {
        return "opcua: " + endpoints.size() + " endpoint(s), "
                + endpoints.stream().mapToInt(e -> e.items().size()).sum() + " monitored item(s)";
    }
}

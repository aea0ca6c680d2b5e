package io.fogbridge.opcua;

import java.time.Duration;
import java.util.List;

/**
 * {@code adapters.opcua.*} as read from the configuration ({@link OpcUaSection}). Immutable.
 *
 * @param reconnectDelay first wait before reconnecting a lost endpoint; doubles up to {@code reconnectMax}, with
 *                       jitter
 * @param requestTimeout longest wait for one service call (connect, create subscription, read)
 * @param resumeWindow   how long a lost session may take to come back on its own (the same session and
 *                       subscription, with the notifications the server still holds) before a new one is made
 */
public record OpcUaSettings(
        boolean enabled,
        Duration reconnectDelay,
        Duration reconnectMax,
        Duration requestTimeout,
        Duration resumeWindow,
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

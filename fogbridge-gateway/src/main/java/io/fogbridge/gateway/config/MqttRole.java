package io.fogbridge.gateway.config;

import java.util.List;

/** {@code mqtt.roles[]}: topic filters a role may publish to and subscribe to, granted to devices by name. */
public record MqttRole(String name, List<String> publish, List<String> subscribe) {
    public MqttRole {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }
}

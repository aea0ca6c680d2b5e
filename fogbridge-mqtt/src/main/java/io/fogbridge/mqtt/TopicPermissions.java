package io.fogbridge.mqtt;

import java.util.List;

/**
 * What a role may do on the bus beyond a device's own topics: MQTT topic filters it may publish to and subscribe to.
 * A subscription is allowed when one of {@code subscribe} covers it (every topic the subscription could match, the
 * role's filter matches too). Immutable.
 */
public record TopicPermissions(List<String> publish, List<String> subscribe) {

    /** Everything: what anonymous local clients get when no {@code anonymous} role is defined. */
    public static final TopicPermissions ALL = new TopicPermissions(List.of("#"), List.of("#"));

    public static final TopicPermissions NONE = new TopicPermissions(List.of(), List.of());

    public TopicPermissions {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
        publish.forEach(TopicAcl::checkFilter);
        subscribe.forEach(TopicAcl::checkFilter);
    }
}

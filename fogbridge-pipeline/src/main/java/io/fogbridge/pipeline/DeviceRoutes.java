package io.fogbridge.pipeline;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in routes of the device-facing topics (ARCHITECTURE.md, "Device-facing MQTT topics"). They are checked
 * before any configured route.
 *
 * <pre>
 * telemetry/{tenant}/{device}[/{path}]                  → fog.telemetry.{tenant}         BULK, QoS as published
 * event/{tenant}/{device}[/{path}]                      → fog.event.{tenant}             PRIORITY, always at least once
 * command/{tenant}/{device}/res/{request-id}/{status}   → fog.command_response.{tenant}  PRIORITY, QoS as published
 * </pre>
 *
 * An authenticated device may leave out {@code {tenant}/{device}}: {@code telemetry}, {@code event},
 * {@code command///res/{request-id}/{status}} (empty levels); they are filled in from its identity.
 */
public final class DeviceRoutes {

    static final String TENANT = "tenant";
    static final String DEVICE = "device";
    private static final String REQUEST_ID = "requestId";
    private static final String STATUS = "status";

    public static final Route TELEMETRY = deviceRoute(
            "telemetry",
            Topics.deviceTelemetryTopic("+tenant", "+device") + "/#",
            Topics.telemetryTopic("{tenant}"),
            null,
            Lane.BULK,
            Map.of());
    public static final Route EVENT = deviceRoute(
            "event",
            Topics.deviceEventTopic("+tenant", "+device") + "/#",
            Topics.eventTopic("{tenant}"),
            QoS.AT_LEAST_ONCE,
            Lane.PRIORITY,
            Map.of());
    public static final Route COMMAND_RESPONSE = deviceRoute(
            "command-response",
            Topics.deviceCommandResponseTopic("+tenant", "+device", "+requestId", "+status"),
            Topics.commandResponseTopic("{tenant}"),
            null,
            Lane.PRIORITY,
            orderedMap(Headers.CORRELATION_ID, "{requestId}", Headers.STATUS, "{status}"));

    /** In the order they are checked. */
    public static final List<Route> ALL = List.of(TELEMETRY, EVENT, COMMAND_RESPONSE);

    /** What an external-broker subscriber must subscribe to for the device topics, short forms included. */
    static final List<TopicFilter> SUBSCRIPTIONS = List.of(
            TopicFilter.parse(Topics.TELEMETRY + "/#"),
            TopicFilter.parse(Topics.EVENT + "/#"),
            TopicFilter.parse(Topics.deviceCommandResponseTopic("+", "+", "+", "+")));

    private DeviceRoutes() {}

    /**
     * Decides a message one of the built-in routes matched.
     *
     * @param captures mutable: tenant and device are filled in from the sender's identity where the topic left
     *     them empty
     */
    static RouteDecision decide(Route route, Map<String, String> captures, DeviceRef sender, RouteTable table) {
        if (captures.get(TENANT).isEmpty() && sender.authenticated()) {
            captures.put(TENANT, sender.tenant());
        }
        if (captures.get(DEVICE).isEmpty() && sender.authenticated()) {
            captures.put(DEVICE, sender.device());
        }
        String tenant = captures.get(TENANT);
        String device = captures.get(DEVICE);
        if (tenant.isEmpty() || device.isEmpty()) {
            return new RouteDecision.Refuse(
                    "topic names no tenant/device and the sender is not an authenticated device");
        }
        if (route == COMMAND_RESPONSE) {
            if (captures.get(REQUEST_ID).isEmpty()) {
                return new RouteDecision.Refuse("command response without a request id");
            }
            if (!isStatusCode(captures.get(STATUS))) {
                return new RouteDecision.Refuse("command response status must be an HTTP-like code (200, 400 …), got '"
                        + captures.get(STATUS) + "'");
            }
        }
        return table.render(route, captures, tenant, device, sender);
    }

    /**
     * The topic to match the built-ins against: the short forms {@code telemetry} and {@code event} stand for
     * {@code telemetry//} and {@code event//} (tenant and device left out).
     */
    static String expandShortForm(String topic) {
        if (topic.equals(Topics.TELEMETRY)) {
            return Topics.deviceTelemetryTopic("", "");
        }
        if (topic.equals(Topics.EVENT)) {
            return Topics.deviceEventTopic("", "");
        }
        return topic;
    }

    private static boolean isStatusCode(String status) {
        if (status.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            if (status.charAt(i) < '0' || status.charAt(i) > '9') {
                return false;
            }
        }
        return status.charAt(0) >= '1' && status.charAt(0) <= '5';
    }

    private static Route deviceRoute(
            String name, String from, String to, QoS qos, Lane lane, Map<String, String> headers) {
        TopicFilter filter = TopicFilter.parse(from);
        Map<String, TopicTemplate> headerTemplates = new LinkedHashMap<>();
        headers.forEach((header, template) ->
                headerTemplates.put(header, TopicTemplate.parse(template, filter.captureNames())));
        return new Route(
                name,
                filter,
                TopicTemplate.parseKafkaTopic(to, filter.captureNames()),
                TopicTemplate.parse("{device}", filter.captureNames()),
                qos,
                lane,
                headerTemplates);
    }

    private static Map<String, String> orderedMap(String k1, String v1, String k2, String v2) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}

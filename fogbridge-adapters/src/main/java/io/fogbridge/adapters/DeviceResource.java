package io.fogbridge.adapters;

import java.util.List;
import java.util.Map;

/**
 * The target of an HTTP or CoAP device request, parsed from its path and query. The same resources exist on both
 * protocols:
 *
 * <pre>
 * /telemetry                                      the authenticated device's telemetry
 * /telemetry/{tenant}/{device}                    telemetry of a device the sender may act for (via), or anonymous
 * /event, /event/{tenant}/{device}                the same for events (always at least once)
 * /command/res/{requestId}?status=200             the authenticated device's response to a command
 * /command/res/{tenant}/{device}/{requestId}?status=200
 * </pre>
 *
 * @param kind      which device topic the request maps to
 * @param tenant    the tenant named in the path, or null: the sender's own
 * @param device    the device named in the path, or null: the sender itself
 * @param requestId command responses: the request id (the command's correlation id); else null
 * @param status    command responses: the HTTP-like status the device answers with; else null
 */
public record DeviceResource(Kind kind, String tenant, String device, String requestId, String status) {

    public enum Kind {
        TELEMETRY("telemetry"),
        EVENT("event"),
        COMMAND_RESPONSE("command");

        private final String topicRoot;

        Kind(String topicRoot) {
            this.topicRoot = topicRoot;
        }
    }

    /**
     * @param segments the path split at '/', without empty segments
     * @param query    the query parameters
     * @throws MalformedRequestException when the path names no resource or a part is not a legal topic level
     */
    public static DeviceResource parse(List<String> segments, Map<String, String> query) {
        if (segments.isEmpty()) {
            throw new MalformedRequestException("no resource; use /telemetry, /event or /command/res/{requestId}");
        }
        String root = segments.getFirst();
        List<String> rest = segments.subList(1, segments.size());
        return switch (root) {
            case "telemetry" -> data(Kind.TELEMETRY, rest);
            case "event" -> data(Kind.EVENT, rest);
            case "command" -> commandResponse(rest, query.get("status"));
            default -> throw new MalformedRequestException("unknown resource /" + root);
        };
    }

    private static DeviceResource data(Kind kind, List<String> rest) {
        return switch (rest.size()) {
            case 0 -> new DeviceResource(kind, null, null, null, null);
            case 2 -> new DeviceResource(kind, level(rest.get(0)), level(rest.get(1)), null, null);
            default ->
                throw new MalformedRequestException(
                        "expected /" + kind.topicRoot + " or /" + kind.topicRoot + "/{tenant}/{device}");
        };
    }

    private static DeviceResource commandResponse(List<String> rest, String status) {
        if (rest.isEmpty() || !rest.getFirst().equals("res") || (rest.size() != 2 && rest.size() != 4)) {
            throw new MalformedRequestException(
                    "expected /command/res/{requestId} or /command/res/{tenant}/{device}/{requestId}");
        }
        if (status == null || !isStatus(status)) {
            throw new MalformedRequestException("command response needs ?status= with an HTTP-like code (200, 404 …)");
        }
        return rest.size() == 2
                ? new DeviceResource(Kind.COMMAND_RESPONSE, null, null, level(rest.get(1)), status)
                : new DeviceResource(
                        Kind.COMMAND_RESPONSE, level(rest.get(1)), level(rest.get(2)), level(rest.get(3)), status);
    }

    /** Whether the path names the target device explicitly (gateways acting for devices, anonymous senders). */
    public boolean namesDevice() {
        return tenant != null;
    }

    /** The device topic this request maps to, for the given target tenant and device. */
    public String topic(String targetTenant, String targetDevice) {
        String base = kind.topicRoot + "/" + targetTenant + "/" + targetDevice;
        return kind == Kind.COMMAND_RESPONSE ? base + "/res/" + requestId + "/" + status : base;
    }

    private static String level(String text) {
        if (text.isEmpty() || text.contains("+") || text.contains("#") || text.contains("/")) {
            throw new MalformedRequestException("'" + text + "' is not a valid tenant, device or request id");
        }
        return text;
    }

    private static boolean isStatus(String status) {
        return status.length() == 3
                && status.chars().allMatch(Character::isDigit)
                && status.charAt(0) >= '1'
                && status.charAt(0) <= '5';
    }
}

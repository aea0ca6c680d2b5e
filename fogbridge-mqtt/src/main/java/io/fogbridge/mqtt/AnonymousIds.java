package io.fogbridge.mqtt;

import io.fogbridge.api.DeviceId;
import io.fogbridge.api.Topics;

/**
 * What an anonymous client may call itself and the devices it publishes for. A registered device's ids were checked
 * when the registry was read; an anonymous local service names its tenant and device in the topic
 * ({@code telemetry/{tenant}/{device}/…}) and its client id is the record key on configured routes, so both would
 * otherwise reach Kafka and the logs unchecked.
 *
 * <ul>
 *   <li>tenant and device levels of the device-facing topics ({@code telemetry}, {@code event}, {@code command}), in
 *       a PUBLISH or a SUBSCRIBE (where a wildcard level is fine): {@link DeviceId#isValidId}, the registry's rule;
 *       an empty level is left to the pipeline, which refuses it from an anonymous sender;
 *   <li>client id: at most {@value #MAX_CLIENT_ID} characters, none of them a control, invisible (format) or
 *       line-separator character, nor half a surrogate pair. Looser than a device id, since MQTT client libraries
 *       make up ids such as {@code mosqpub|1234-host}, and a plain space is allowed: MQTT allows it, Eclipse Paho's
 *       interop suite connects as {@code "clean retained"}, and log lines escape what needs it.
 * </ul>
 *
 * Pure and thread-safe.
 */
final class AnonymousIds {

    static final int MAX_CLIENT_ID = 128;

    private AnonymousIds() {}

    /** Why an anonymous client may not use this client id, or null when it may. */
    static String clientIdProblem(String clientId) {
        if (clientId.length() > MAX_CLIENT_ID) {
            return "client id of " + clientId.length() + " characters (at most " + MAX_CLIENT_ID + ")";
        }
        for (int i = 0; i < clientId.length(); ) {
            int c = clientId.codePointAt(i);
            if (!visible(c)) {
                return "client id with an invisible or control character at " + i;
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** Why an anonymous client may not publish to this topic's tenant or device, or null when it may. */
    static String topicProblem(String topic) {
        return levelsProblem(topic, false);
    }

    /**
     * Why an anonymous client may not subscribe to this filter's tenant or device, or null when it may; a wildcard
     * level ({@code command/+/+/req/#}) is fine.
     */
    static String filterProblem(String filter) {
        return levelsProblem(filter, true);
    }

    private static String levelsProblem(String topic, boolean wildcards) {
        String[] levels = topic.split("/", 4);
        if (!levels[0].equals(Topics.TELEMETRY)
                && !levels[0].equals(Topics.EVENT)
                && !levels[0].equals(Topics.COMMAND)) {
            return null;
        }
        if (levels.length > 1 && !validLevel(levels[1], wildcards)) {
            return "tenant id in the topic is not valid: " + DeviceId.ID_RULE;
        }
        if (levels.length > 2 && !validLevel(levels[2], wildcards)) {
            return "device id in the topic is not valid: " + DeviceId.ID_RULE;
        }
        return null;
    }

    private static boolean validLevel(String level, boolean wildcards) {
        return level.isEmpty() || DeviceId.isValidId(level) || wildcards && (level.equals("+") || level.equals("#"));
    }

    private static boolean visible(int c) {
        if (c == ' ') {
            return true;
        }
        if (c < 0x20 || (c >= 0x7f && c <= 0xa0)) {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR,
                    Character.SURROGATE,
                    Character.UNASSIGNED,
                    Character.PRIVATE_USE -> false;
            default -> true;
        };
    }
}

package io.fogbridge.api;

/**
 * Topic names of the contract in ARCHITECTURE.md ("Device-facing MQTT topics", "Kafka records"), next to the
 * {@link Headers header names}. Defined once, used everywhere; the values are part of the contract and never change.
 *
 * <p>Kafka topics are {@code fog.<kind>.<tenant>}. Device-facing MQTT topics are
 * {@code <kind>/{tenant}/{device}/…}; an empty tenant or device level is the short form an authenticated device
 * may use, and the builders here keep it empty rather than filling it in (the gateway fills it in where it knows
 * the identity). The builders do not validate levels: they also build filters, with {@code +} or {@code +name}
 * in a level. Pure, stateless, thread-safe.
 */
public final class Topics {

    /** Kafka: device telemetry, {@code fog.telemetry.<tenant>}. */
    public static final String TELEMETRY_PREFIX = "fog.telemetry.";
    /** Kafka: device events, {@code fog.event.<tenant>}. */
    public static final String EVENT_PREFIX = "fog.event.";
    /** Kafka: commands to devices, {@code fog.command.<tenant>}. */
    public static final String COMMAND_PREFIX = "fog.command.";
    /** Kafka: responses of devices and the gateway's delivery failures, {@code fog.command_response.<tenant>}. */
    public static final String COMMAND_RESPONSE_PREFIX = "fog.command_response.";

    /** MQTT: first level of {@code telemetry/{tenant}/{device}[/{path}]}. */
    public static final String TELEMETRY = "telemetry";
    /** MQTT: first level of {@code event/{tenant}/{device}[/{path}]}. */
    public static final String EVENT = "event";
    /** MQTT: first level of {@code command/{tenant}/{device}/req|res/…}. */
    public static final String COMMAND = "command";
    /** MQTT: fourth level of a command request, {@code command/{tenant}/{device}/req/{request-id}/{name}}. */
    public static final String REQUEST = "req";
    /** MQTT: fourth level of a command response, {@code command/{tenant}/{device}/res/{request-id}/{status}}. */
    public static final String RESPONSE = "res";

    private Topics() {}

    public static String telemetryTopic(String tenant) {
        return TELEMETRY_PREFIX + tenant;
    }

    public static String eventTopic(String tenant) {
        return EVENT_PREFIX + tenant;
    }

    public static String commandTopic(String tenant) {
        return COMMAND_PREFIX + tenant;
    }

    public static String commandResponseTopic(String tenant) {
        return COMMAND_RESPONSE_PREFIX + tenant;
    }

    /**
     * The tenant a {@code fog.command.<tenant>} topic is for.
     *
     * @throws IllegalArgumentException the topic is not a command topic
     */
    public static String tenantOfCommandTopic(String topic) {
        if (topic == null || !topic.startsWith(COMMAND_PREFIX)) {
            throw new IllegalArgumentException(
                    "'" + topic + "' is not a command topic (" + COMMAND_PREFIX + "<tenant>)");
        }
        return topic.substring(COMMAND_PREFIX.length());
    }

    /** {@code telemetry/{tenant}/{device}}; a device may append {@code /{path}}. */
    public static String deviceTelemetryTopic(String tenant, String device) {
        return TELEMETRY + "/" + tenant + "/" + device;
    }

    /** {@code event/{tenant}/{device}}; a device may append {@code /{path}}. */
    public static String deviceEventTopic(String tenant, String device) {
        return EVENT + "/" + tenant + "/" + device;
    }

    /** {@code command/{tenant}/{device}/req/{request-id}/{name}}; an empty request id is a one-way command. */
    public static String deviceCommandRequestTopic(String tenant, String device, String requestId, String name) {
        return COMMAND + "/" + tenant + "/" + device + "/" + REQUEST + "/" + requestId + "/" + name;
    }

    /** {@code command/{tenant}/{device}/res/{request-id}/{status}}, status HTTP-like (200, 400, 500 …). */
    public static String deviceCommandResponseTopic(String tenant, String device, String requestId, String status) {
        return COMMAND + "/" + tenant + "/" + device + "/" + RESPONSE + "/" + requestId + "/" + status;
    }

    /**
     * True when {@code levels} (a topic or filter split at {@code /}) has the shape
     * {@code command/{tenant}/{device}/req/…}, whatever the tenant and device levels hold.
     */
    public static boolean isDeviceCommandRequest(String[] levels) {
        return levels.length >= 5 && levels[0].equals(COMMAND) && levels[3].equals(REQUEST);
    }
}

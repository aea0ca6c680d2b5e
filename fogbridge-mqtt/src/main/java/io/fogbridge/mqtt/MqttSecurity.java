package io.fogbridge.mqtt;

import io.fogbridge.api.device.DeviceDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Who may connect to the embedded broker and what they may do.
 *
 * <ul>
 *   <li>Clients authenticate as a device of the {@code registry}: user name {@code device@tenant} with its password,
 *       or a client certificate (mTLS) whose subject is registered for a device and was issued by the tenant's CA.
 *   <li>Anonymous clients (no user name, no certificate) are accepted only on listeners that allow them (see
 *       {@link ListenerAddress#anonymousAllowed()}: loopback listeners by default).
 *   <li>A device publishes only to its own telemetry, event and command-response topics and subscribes only to its
 *       own command topic, plus what its {@code roles} grant. Anonymous clients get the role named
 *       {@value #ANONYMOUS_ROLE} if one is defined, else everything (local services on the loopback bus).
 * </ul>
 *
 * @param directory   the devices; asked on every connect
 * @param roles       role name → permissions
 * @param authTimeout how long a password check may take before the client is refused
 * @param clock       for credential validity windows
 */
public record MqttSecurity(
        DeviceDirectory directory, Map<String, TopicPermissions> roles, Duration authTimeout, Clock clock) {

    public static final String ANONYMOUS_ROLE = "anonymous";

    public MqttSecurity {
        Objects.requireNonNull(directory, "directory");
        roles = Map.copyOf(roles);
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(clock, "clock");
    }

    public MqttSecurity(DeviceDirectory directory, Map<String, TopicPermissions> roles) {
        this(directory, roles, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** No registered devices: only anonymous clients, on the listeners that allow them. */
    public static MqttSecurity anonymousOnly() {
        return new MqttSecurity(DeviceDirectory.empty(), Map.of());
    }

    TopicPermissions anonymousPermissions() {
        return roles.getOrDefault(ANONYMOUS_ROLE, TopicPermissions.ALL);
    }
}

package io.fogbridge.mqtt;

import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Registry;
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
 * @param registry    the devices; its snapshot is read on every connect
 * @param roles       role name → permissions
 * @param authTimeout how long a password check may take before the client is refused
 * @param clock       for credential validity windows
 */
public record MqttSecurity(
        DeviceRegistry registry, Map<String, TopicPermissions> roles, Duration authTimeout, Clock clock) {

    public static final String ANONYMOUS_ROLE = "anonymous";

    public MqttSecurity {
        Objects.requireNonNull(registry, "registry");
        roles = Map.copyOf(roles);
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(clock, "clock");
    }

    public MqttSecurity(DeviceRegistry registry, Map<String, TopicPermissions> roles) {
        this(registry, roles, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /** No registered devices: only anonymous clients, on the listeners that allow them. */
    public static MqttSecurity anonymousOnly() {
        return new MqttSecurity(DeviceRegistry.of(Registry.EMPTY), Map.of());
    }

    TopicPermissions anonymousPermissions() {
        return roles.getOrDefault(ANONYMOUS_ROLE, TopicPermissions.ALL);
    }
}

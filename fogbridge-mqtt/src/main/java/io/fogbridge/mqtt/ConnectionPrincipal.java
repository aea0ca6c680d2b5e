package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.device.RegisteredDevice;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The device a connection authenticated as, kept in HiveMQ's per-connection attribute store (so it lives and dies
 * with the connection, also across a client-id takeover). Absent = an anonymous client. Immutable.
 *
 * <p>Roles and {@code via} are captured at connect time: a registry change to them applies when the device
 * reconnects. Revocations (device removed or disabled, credential changed or expired) close the connection within about a second
 * ({@link RevocationWatch}).
 */
record ConnectionPrincipal(String tenant, String device, Set<String> roles, Set<String> via) {

    private static final String KEY = "fogbridge.principal";
    private static final String PENDING = "fogbridge.pending";

    static ConnectionPrincipal of(RegisteredDevice device) {
        return new ConnectionPrincipal(device.tenant(), device.id(), device.roles(), device.via());
    }

    /** The principal of the connection, or null for an anonymous client. */
    static ConnectionPrincipal of(ClientBasedInput input) {
        return input.getConnectionInformation()
                .getConnectionAttributeStore()
                .getAsString(KEY)
                .map(ConnectionPrincipal::decode)
                .orElse(null);
    }

    /** The sender of a publish: the authenticated device, else anonymous with the client id. */
    static DeviceRef senderOf(ClientBasedInput input) {
        ConnectionPrincipal principal = of(input);
        String clientId = input.getClientInformation().getClientId();
        return principal == null
                ? DeviceRef.anonymous(clientId)
                : new DeviceRef(principal.tenant, principal.device, clientId);
    }

    void store(ConnectionAttributeStore store) {
        store.putAsString(KEY, tenant + "\n" + device + "\n" + String.join(",", roles) + "\n" + String.join(",", via));
    }

    /** Marks the connection as held pending approval (onboarding): what it publishes is dropped. */
    static void markPending(ConnectionAttributeStore store) {
        store.putAsString(PENDING, "true");
    }

    /** Whether the connection is held pending approval. */
    static boolean pending(ClientBasedInput input) {
        return input.getConnectionInformation()
                .getConnectionAttributeStore()
                .getAsString(PENDING)
                .isPresent();
    }

    boolean mayActFor(String deviceId) {
        return device.equals(deviceId) || via.contains(deviceId);
    }

    String name() {
        return device + "@" + tenant;
    }

    private static ConnectionPrincipal decode(String text) {
        String[] parts = text.split("\n", -1); // ids never contain a newline or a comma (registry ids)
        return new ConnectionPrincipal(parts[0], parts[1], set(parts[2]), set(parts[3]));
    }

    private static Set<String> set(String commaSeparated) {
        return commaSeparated.isEmpty()
                ? Set.of()
                : Arrays.stream(commaSeparated.split(",")).collect(Collectors.toUnmodifiableSet());
    }
}

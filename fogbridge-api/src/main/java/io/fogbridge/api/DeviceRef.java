package io.fogbridge.api;

/**
 * Who sent a message. {@code tenant} and {@code device} are null for a client the gateway could
 * not attach to a registered device (anonymous local services); {@code clientId} is the protocol's
 * own connection name. To name a device alone (a map key, a parsed {@code device@tenant} login) use
 * {@link DeviceId}: a DeviceRef also carries the connection and may be anonymous.
 */
public record DeviceRef(String tenant, String device, String clientId) {

    public static DeviceRef anonymous(String clientId) {
        return new DeviceRef(null, null, clientId);
    }

    public boolean authenticated() {
        return tenant != null && device != null;
    }
}

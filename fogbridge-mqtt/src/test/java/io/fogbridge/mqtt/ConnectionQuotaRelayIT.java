package io.fogbridge.mqtt;

/**
 * {@link ConnectionQuotaIT} through the {@link DeviceRelay}: the per-address bound counts the device's own address,
 * which the broker sees only through {@link RelayedConnections} (its connections all come from 127.x.y.z).
 */
class ConnectionQuotaRelayIT extends ConnectionQuotaIT implements ThroughDeviceRelay {}

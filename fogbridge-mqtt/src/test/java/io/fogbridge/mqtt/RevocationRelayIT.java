package io.fogbridge.mqtt;

/** {@link RevocationIT} with devices connecting through the {@link DeviceRelay} ({@code devices.pipelinedAcks}): revocation: the broker disconnects the internal connection and the relay closes the device's. */
class RevocationRelayIT extends RevocationIT implements ThroughDeviceRelay {}

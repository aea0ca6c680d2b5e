package io.fogbridge.mqtt;

/** {@link MqttSecurityIT} with devices connecting through the {@link DeviceRelay} ({@code devices.pipelinedAcks}): authentication (password, client certificate, anonymous listeners), topic ACLs, reason codes and wills. */
class MqttSecurityRelayIT extends MqttSecurityIT implements ThroughDeviceRelay {}

package io.fogbridge.mqtt;

/**
 * {@link RawMqttPacketsIT} through the {@link DeviceRelay} ({@code devices.pipelinedAcks}, the gateway's default): the
 * CONNACK the device reads is still the broker's, with its maximum packet size, and a PUBLISH declaring more than the
 * limit is answered DISCONNECT 0x95 before its payload is read.
 */
class RawMqttPacketsRelayIT extends RawMqttPacketsIT implements ThroughDeviceRelay {}

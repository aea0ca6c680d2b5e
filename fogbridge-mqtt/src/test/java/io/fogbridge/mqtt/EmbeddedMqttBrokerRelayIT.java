package io.fogbridge.mqtt;

/** {@link EmbeddedMqttBrokerIT} with devices connecting through the {@link DeviceRelay} ({@code devices.pipelinedAcks}): when devices are acknowledged and what they hear on refusal, oversize packets, local subscribers. */
class EmbeddedMqttBrokerRelayIT extends EmbeddedMqttBrokerIT implements ThroughDeviceRelay {}

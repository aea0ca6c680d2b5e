package io.fogbridge.mqtt;

/** {@link TlsReloadIT} with devices connecting through the {@link DeviceRelay} ({@code devices.pipelinedAcks}): a renewed server certificate served to new connections by the relay's TLS. */
class TlsReloadRelayIT extends TlsReloadIT implements ThroughDeviceRelay {}

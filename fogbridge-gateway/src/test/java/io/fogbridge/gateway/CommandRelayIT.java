package io.fogbridge.gateway;

/**
 * {@link CommandIT} with {@code devices.pipelinedAcks: true}: commands reach devices through the device relay and the
 * device's PUBACK goes back through it unheld (decision 0001).
 */
class CommandRelayIT extends CommandIT implements ThroughDeviceRelay {}

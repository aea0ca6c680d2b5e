package io.fogbridge.gateway;

/**
 * {@link CommandIT} with {@code devices.pipelinedAcks: false}: commands reach devices connected to the embedded broker
 * directly.
 */
class CommandWithoutRelayIT extends CommandIT implements WithoutDeviceRelay {}

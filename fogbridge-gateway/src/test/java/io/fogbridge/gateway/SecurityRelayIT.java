package io.fogbridge.gateway;

/**
 * {@link SecurityIT} with {@code devices.pipelinedAcks: true}: password and certificate devices over the relay's TLS,
 * refusals, and the ops endpoints, with the gateway's own config path (decision 0001).
 */
class SecurityRelayIT extends SecurityIT implements ThroughDeviceRelay {}

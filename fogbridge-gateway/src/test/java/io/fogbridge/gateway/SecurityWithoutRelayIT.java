package io.fogbridge.gateway;

/**
 * {@link SecurityIT} with {@code devices.pipelinedAcks: false}: password and certificate devices over the embedded
 * broker's own TLS, refusals, and the ops endpoints, with the gateway's own config path.
 */
class SecurityWithoutRelayIT extends SecurityIT implements WithoutDeviceRelay {}

package io.fogbridge.gateway;

/**
 * {@link UplinkIT} with {@code devices.pipelinedAcks: true}: telemetry, wills, retained and local delivery through the
 * gateway's device relay (decision 0001).
 */
class UplinkRelayIT extends UplinkIT implements ThroughDeviceRelay {}

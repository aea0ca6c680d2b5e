package io.fogbridge.gateway;

/**
 * {@link UplinkIT} with {@code devices.pipelinedAcks: false}: telemetry, wills, retained and local delivery with
 * devices connected to the embedded broker directly, its publish interceptor handing each message to the spool.
 */
class UplinkWithoutRelayIT extends UplinkIT implements WithoutDeviceRelay {}

/**
 * The gateway's MQTT bus, in one of two modes, both {@link io.fogbridge.api.ProtocolAdapter}s feeding the
 * {@link io.fogbridge.api.Uplink}:
 *
 * <ul>
 *   <li>{@link io.fogbridge.mqtt.EmbeddedMqttBroker} (default): HiveMQ CE embedded; devices connect to the gateway and
 *       a QoS 1 PUBLISH is acknowledged only once the uplink made it durable.
 *   <li>{@link io.fogbridge.mqtt.ExternalMqttBridge} ({@code mqtt.external.uri}): the gateway subscribes to an existing
 *       broker with a persistent session and acknowledges each message to it only after the durable append.
 * </ul>
 *
 * Meters: {@code fogbridge.mqtt.received{qos}}, {@code fogbridge.mqtt.rejected{reason}},
 * {@code fogbridge.mqtt.connections} (embedded), {@code fogbridge.mqtt.external.connected} (external).
 */
package io.fogbridge.mqtt;

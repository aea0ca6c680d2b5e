package io.fogbridge.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code devices.*}.
 *
 * @param registry   the device registry file, or null: no devices (anonymous clients where listeners allow them)
 * @param maxPayload bytes; larger messages are refused on every protocol
 * @param ackTimeout how long an at-least-once message may wait for the spool before the device gets an error
 * @param pipelinedAcks MQTT devices connect through the PUBACK-holding relay (decision 0001)
 * @param reportNewcomers certificate devices held pending by onboarding go to {@code fog.twin.<tenant>}
 * @param kubernetes    the registry Secret watched on the API server ({@code devices.directory: kubernetes}), or
 *                      null: the registry file, if any
 */
public record DeviceSettings(
        Path registry,
        long maxPayload,
        Duration ackTimeout,
        boolean pipelinedAcks,
        boolean reportNewcomers,
        KubernetesDirectory kubernetes) {

    public static final DeviceSettings DEFAULTS = new DeviceSettings(null, 256L << 10, Duration.ofSeconds(10), true);

    /** With the registry file (or none). */
    public DeviceSettings(
            Path registry, long maxPayload, Duration ackTimeout, boolean pipelinedAcks, boolean reportNewcomers) {
        this(registry, maxPayload, ackTimeout, pipelinedAcks, reportNewcomers, null);
    }

    /** Without reporting newcomers to Kafka. */
    public DeviceSettings(Path registry, long maxPayload, Duration ackTimeout, boolean pipelinedAcks) {
        this(registry, maxPayload, ackTimeout, pipelinedAcks, false);
    }

    /** With pipelined acknowledgements (the default). */
    public DeviceSettings(Path registry, long maxPayload, Duration ackTimeout) {
        this(registry, maxPayload, ackTimeout, true);
    }
}

package io.fogbridge.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code devices.*}.
 *
 * @param registry   the device registry file, or null: no devices (anonymous clients where listeners allow them)
 * @param maxPayload bytes; larger messages are refused on every protocol
 * @param ackTimeout how long an at-least-once message may wait for the spool before the device gets an error
 */
public record DeviceSettings(Path registry, long maxPayload, Duration ackTimeout) {

    public static final DeviceSettings DEFAULTS = new DeviceSettings(null, 256L << 10, Duration.ofSeconds(10));
}

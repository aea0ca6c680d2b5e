package io.fogbridge.api.adapter;

import java.time.Duration;
import java.util.Objects;

/**
 * The rules every device-facing adapter applies alike, so a device is held to the same limits on every protocol.
 * Immutable.
 *
 * @param maxPayloadBytes largest message body accepted; larger ones are refused (413 or the protocol's equivalent)
 * @param ackTimeout      how long a sender may wait for its message to become durable before it is told to retry
 * @param maxTtd          longest {@code ttd} a polling device may hold a request open for a command
 */
public record DeviceLimits(long maxPayloadBytes, Duration ackTimeout, Duration maxTtd) {

    public DeviceLimits {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive");
        }
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(maxTtd, "maxTtd");
    }
}

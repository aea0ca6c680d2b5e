package io.fogbridge.gateway.console;

import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.registry.Registry;
import java.time.Instant;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * What the console shows about the gateway itself, read when a page or fragment is rendered. The gateway wires these
 * to its stages; tests hand in fixed values. Every supplier must be cheap and thread-safe (it runs on the ops server's
 * thread, at most a few times a second).
 *
 * @param id               {@code gateway.id}
 * @param labels           {@code gateway.labels}
 * @param version          the build's version
 * @param started          when the gateway started (uptime is counted from it)
 * @param readiness        the {@code /readyz} checks, by name
 * @param forwarder        the forwarder's state in words
 * @param oldestAgeSeconds age of the oldest record waiting in the spool; NaN when none waits
 * @param registry         the device registry as loaded now; null when the gateway runs without one
 */
public record GatewayFacts(
        String id,
        Map<String, String> labels,
        String version,
        Instant started,
        Supplier<Map<String, ReadinessCheck.Status>> readiness,
        Supplier<String> forwarder,
        DoubleSupplier oldestAgeSeconds,
        Supplier<Registry> registry) {}

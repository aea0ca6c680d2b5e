package io.fogbridge.gateway.config;

import io.fogbridge.command.RouterOptions;
import java.util.List;

/**
 * {@code commands.*}: downlink commands from {@code fog.command.<tenant>} to devices.
 *
 * @param enabled        whether this gateway consumes commands at all
 * @param tenants        the tenants whose command topics it consumes
 * @param maxPending      how many commands may wait for offline devices
 * @param maxPendingBytes how many bytes they may take on disk
 * @param maxPayload      the largest command payload taken
 * @param unknownDevices {@code reject} (404 response) or {@code ignore} (another gateway serves the device)
 */
public record CommandSettings(
        boolean enabled,
        List<String> tenants,
        int maxPending,
        long maxPendingBytes,
        long maxPayload,
        String unknownDevices) {

    public static final CommandSettings DISABLED = new CommandSettings(
            false,
            List.of(),
            10_000,
            RouterOptions.DEFAULT_MAX_PENDING_BYTES,
            RouterOptions.DEFAULT_MAX_PAYLOAD,
            "reject");

    public CommandSettings {
        tenants = List.copyOf(tenants);
    }
}

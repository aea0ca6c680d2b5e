package io.fogbridge.gateway.config;

import java.util.List;

/**
 * {@code commands.*}: downlink commands from {@code fog.command.<tenant>} to devices.
 *
 * @param enabled        whether this gateway consumes commands at all
 * @param tenants        the tenants whose command topics it consumes
 * @param maxPending     how many commands may wait for offline devices
 * @param unknownDevices {@code reject} (404 response) or {@code ignore} (another gateway serves the device)
 */
public record CommandSettings(boolean enabled, List<String> tenants, int maxPending, String unknownDevices) {

    public static final CommandSettings DISABLED = new CommandSettings(false, List.of(), 10_000, "reject");

    public CommandSettings {
        tenants = List.copyOf(tenants);
    }
}

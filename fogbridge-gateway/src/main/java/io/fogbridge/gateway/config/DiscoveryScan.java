package io.fogbridge.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * One field scan the gateway runs on a schedule ({@code discovery[]} of gateway.yaml), as a converter's {@link
 * io.fogbridge.api.discovery.FieldScanner} reads it.
 *
 * @param name     the scan's name in logs, metrics ({@code scan} tag) and the console
 * @param protocol the scanner's protocol, {@code modbus} or {@code opcua}: the proposed Devices' {@code spec.protocol}
 * @param tenant   the tenant of the devices found; their proposals go to {@code fog.twin.<tenant>}
 * @param args     the scanner's arguments, as {@code fogbridge discover <protocol>} takes them; checked by the scanner
 *                 when the file was loaded
 * @param every    the time from the start of one round of this scan to the start of the next
 */
public record DiscoveryScan(String name, String protocol, String tenant, List<String> args, Duration every) {

    public DiscoveryScan {
        args = List.copyOf(args);
    }

    /** The scan in a few words for a log line: {@code plc-scan (modbus 10.0.0.0/24)}. */
    public String describe() {
        return name + " (" + protocol + " " + args.getFirst() + ")";
    }
}

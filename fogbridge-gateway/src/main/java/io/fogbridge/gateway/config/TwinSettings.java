package io.fogbridge.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code twin.*}: the gateway writes each device's reported state into its Device resource's {@code status}.
 *
 * @param toKafka        twin updates go to {@code fog.twin.<tenant>} instead of the API server
 * @param devicesFile    which devices have a twin and where their properties are in the telemetry (the operator
 *                       renders it); null when disabled
 * @param apiServer      base URL of the Kubernetes API server
 * @param tokenFile      bearer token file (read again every round: projected tokens rotate), or null
 * @param caFile         CA certificate of an {@code https} API server, or null for the JDK's trust store
 * @param reportInterval at most one status write per device per interval
 */
public record TwinSettings(
        boolean enabled,
        boolean toKafka,
        Path devicesFile,
        String apiServer,
        Path tokenFile,
        Path caFile,
        Duration reportInterval) {

    public static final TwinSettings DISABLED = new TwinSettings(
            false,
            false,
            null,
            TwinSection.API_SERVER.defaultValue(),
            null,
            null,
            TwinSection.REPORT_INTERVAL.defaultValue());
}

package io.fogbridge.operator.figures;

/**
 * What a running gateway reports about itself, as the operator writes it into {@code Gateway.status}: read from the
 * gateway's own {@code /metrics} (Prometheus text), the interface the gateway already keeps stable for monitoring.
 *
 * @param connectedDevices clients connected to the embedded MQTT broker ({@code fogbridge_mqtt_connections})
 * @param backlogRecords records in the spool not yet acknowledged by Kafka ({@code fogbridge_spool_records})
 * @param backlogBytes bytes of spool segments on disk ({@code fogbridge_spool_bytes}; includes acknowledged records
 *     whose segment is not deleted yet)
 * @param oldestAgeSeconds age of the oldest record not yet in Kafka ({@code fogbridge_spool_oldest_age_seconds})
 * @param forwarderConnected Kafka acknowledges records ({@code fogbridge_forwarder_connected})
 */
public record GatewayFigures(
        int connectedDevices,
        long backlogRecords,
        long backlogBytes,
        double oldestAgeSeconds,
        boolean forwarderConnected) {

    /** Reads the figures out of a {@code /metrics} page; a metric that is missing counts as 0. */
    public static GatewayFigures fromMetrics(String prometheusText) {
        return new GatewayFigures(
                (int) sum(prometheusText, "fogbridge_mqtt_connections"),
                (long) sum(prometheusText, "fogbridge_spool_records"),
                (long) sum(prometheusText, "fogbridge_spool_bytes"),
                sum(prometheusText, "fogbridge_spool_oldest_age_seconds"),
                sum(prometheusText, "fogbridge_forwarder_connected") >= 1);
    }

    /**
     * The oldest record's age rounded so that a steady backlog does not rewrite status on every poll: whole seconds
     * under two minutes, whole minutes under two hours, else hours. Null when nothing waits.
     */
    public String oldestAge() {
        long seconds = (long) oldestAgeSeconds;
        if (backlogRecords == 0 || seconds <= 0) {
            return null;
        }
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        return seconds / 3600 + "h";
    }

    private static double sum(String text, String name) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String value = line.substring(line.lastIndexOf(' ') + 1);
                try {
                    double parsed = Double.parseDouble(value);
                    if (!Double.isNaN(parsed)) {
                        total += parsed;
                    }
                } catch (NumberFormatException e) {
                    // A line this parser does not understand is not a figure.
                }
            }
        }
        return total;
    }
}

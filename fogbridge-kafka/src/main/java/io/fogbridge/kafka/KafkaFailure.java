package io.fogbridge.kafka;

import java.net.UnknownHostException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

/**
 * Why a Kafka client (the forwarder's producer, the command consumer) failed, said once for operators
 * ({@link #detail()}, shown in {@code /readyz} and the logs) and once for dashboards ({@link #reason()}, the
 * {@code reason} tag of the error counters). Both the forwarder and the command consumer retry every failure
 * with a backoff; this only names it.
 *
 * <p>A bootstrap host name that does not resolve is the common case at the edge (the box boots before its
 * uplink's DNS), and Kafka's client reports it as a bare configuration error from its constructor
 * ({@code "No resolvable bootstrap urls"}): it gets the reason {@code dns} and a plain-words detail naming the
 * servers. Every other failure keeps its exception class as the reason.
 *
 * @param reason the counter tag: {@code dns}, or the failure's exception class, e.g. {@code TimeoutException}
 * @param detail what went wrong, for people; never a secret (client properties are not quoted)
 */
public record KafkaFailure(String reason, String detail) {

    /** The counter tag of a bootstrap list in which no host name resolves. */
    public static final String DNS = "dns";

    /** Names {@code error}, a failure of a client whose {@code bootstrap.servers} is {@code bootstrapServers}. */
    public static KafkaFailure of(Throwable error, String bootstrapServers) {
        if (unresolvable(error)) {
            return new KafkaFailure(DNS, "bootstrap servers do not resolve (" + bootstrapServers + ")");
        }
        Throwable cause = informative(error);
        return new KafkaFailure(
                cause.getClass().getSimpleName(), cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** True for the name-resolution failure, wherever Kafka's client wrapped it. */
    public boolean unresolvable() {
        return DNS.equals(reason);
    }

    private static boolean unresolvable(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof UnknownHostException) {
                return true;
            }
            // Kafka's ClientUtils says so only in the message; the type is a plain ConfigException.
            if (e instanceof ConfigException
                    && e.getMessage() != null
                    && e.getMessage().contains("No resolvable bootstrap urls")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first cause worth naming: Kafka wraps many failures in a shell without a message, and every
     * constructor failure in "Failed to construct kafka producer/consumer".
     */
    private static Throwable informative(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null
                && root.getCause() != root
                && root instanceof KafkaException
                && (root.getMessage() == null || root.getMessage().startsWith("Failed to construct"))) {
            root = root.getCause();
        }
        return root;
    }
}

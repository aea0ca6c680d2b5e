package io.fogbridge.kafka.command;

/**
 * A snapshot of the {@link KafkaCommandConsumer}, for {@code /readyz} and metrics.
 *
 * @param connected true while a consumer exists, holds a connection to Kafka and its last poll did not fail
 * @param lastError the last failure in words (e.g. {@code bootstrap servers do not resolve (host:9092)}), or null
 *                  if none since the consumer last worked
 * @param phase     what the consumer thread is doing about Kafka
 */
public record CommandConsumerState(boolean connected, String lastError, Phase phase) {

    /** What the consumer thread is doing about Kafka. */
    public enum Phase {
        /** A Kafka consumer exists and polls; it reconnects by itself. */
        CONSUMING,
        /** The last consumer failed or none could be made; the next one is made after a backoff. */
        RETRYING,
        /**
         * Kafka is reachable but the last batch did not settle (the handler could not store or answer a
         * record, or the offset commit failed); the batch is read again after a backoff.
         */
        STALLED,
        /** Closed, or ended by an {@link Error} that retrying cannot cure: no command arrives until a restart. */
        STOPPED
    }
}

package io.fogbridge.kafka;

/**
 * Asks Kafka whether a topic exists, within a bounded wait. The forwarder uses it to tell a topic that does not
 * exist from Kafka being away ({@link KafkaRefusal.Kind#TOPIC_MAY_BE_MISSING}); {@code config check} and the
 * start-up log use it to warn about route targets that are not there.
 *
 * <p><b>Threads.</b> Implementations are thread-safe; {@link #exists} blocks the caller up to its own timeout.
 * <b>Lifecycle.</b> {@link #close()} releases the client; the production implementation is {@link KafkaTopics}.
 */
interface TopicCheck extends AutoCloseable {

    /** What Kafka said about a topic. */
    enum Existence {
        EXISTS,
        MISSING,
        /** Kafka did not answer in time or refused to say (not reachable, not authorized to describe). */
        UNKNOWN
    }

    Existence exists(String topic);

    @Override
    void close();
}

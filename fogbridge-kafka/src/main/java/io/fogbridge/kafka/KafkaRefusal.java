package io.fogbridge.kafka;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether a record Kafka's producer refused can succeed by sending it again. Retrying the wrong thing forever is
 * how one record stalls every tenant (the forwarder keeps a lane's order, so a lane waits for its oldest record);
 * parking the wrong thing sends good data to an operator's desk. So only what no retry heals is parked:
 *
 * <ul>
 *   <li>{@link Kind#PARK}: the record is too large ({@link RecordTooLargeException}, {@link
 *       RecordBatchTooLargeException}), the topic name is invalid, or the gateway's principal may not write the
 *       topic ({@link AuthorizationException}: an ACL change is an operator's act, not a glitch).
 *   <li>{@link Kind#TOPIC_MAY_BE_MISSING}: the producer waited {@code max.block.ms} for the topic's metadata
 *       ("Topic … not present in metadata"), or the broker said the topic or partition is unknown. That is either a
 *       topic that does not exist (auto creation off) or Kafka being away, which look alike from the producer; the
 *       forwarder asks Kafka for the topic ({@link TopicCheck}) and parks only when Kafka answers that it does not
 *       exist.
 *   <li>{@link Kind#RETRY}: everything else (timeouts, disconnects, not enough replicas, fenced epochs...).
 * </ul>
 *
 * Stateless.
 */
final class KafkaRefusal {

    enum Kind {
        PARK,
        TOPIC_MAY_BE_MISSING,
        RETRY
    }

    private KafkaRefusal() {}

    static Kind classify(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof RecordTooLargeException
                    || e instanceof RecordBatchTooLargeException
                    || e instanceof InvalidTopicException
                    || e instanceof AuthorizationException) {
                return Kind.PARK;
            }
            if (e instanceof UnknownTopicOrPartitionException
                    || (e instanceof TimeoutException
                            && e.getMessage() != null
                            && e.getMessage().contains("not present in metadata"))) {
                return Kind.TOPIC_MAY_BE_MISSING;
            }
        }
        return Kind.RETRY;
    }
}

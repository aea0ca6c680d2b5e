package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.kafka.KafkaRefusal.Kind;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class KafkaRefusalTest {

    @Test
    void whatNoRetryHealsIsParked() {
        assertThat(KafkaRefusal.classify(new RecordTooLargeException("too big")))
                .isEqualTo(Kind.PARK);
        assertThat(KafkaRefusal.classify(new RecordBatchTooLargeException("too big")))
                .isEqualTo(Kind.PARK);
        assertThat(KafkaRefusal.classify(new InvalidTopicException("bad name"))).isEqualTo(Kind.PARK);
        assertThat(KafkaRefusal.classify(new TopicAuthorizationException("no ACL")))
                .isEqualTo(Kind.PARK);
        assertThat(KafkaRefusal.classify(new ClusterAuthorizationException("no ACL")))
                .isEqualTo(Kind.PARK);
        assertThat(KafkaRefusal.classify(new KafkaException("wrapped", new RecordTooLargeException("x"))))
                .as("found through the cause chain")
                .isEqualTo(Kind.PARK);
    }

    @Test
    void aTopicMissingFromMetadataIsCheckedNotParkedOnSight() {
        assertThat(KafkaRefusal.classify(
                        new TimeoutException("Topic fog.telemetry.nosuch not present in metadata after 10000 ms.")))
                .isEqualTo(Kind.TOPIC_MAY_BE_MISSING);
        assertThat(KafkaRefusal.classify(new UnknownTopicOrPartitionException("unknown")))
                .isEqualTo(Kind.TOPIC_MAY_BE_MISSING);
    }

    @Test
    void outagesAreRetried() {
        assertThat(KafkaRefusal.classify(new TimeoutException("Expiring 3 record(s) for t-0: 120000 ms has passed")))
                .isEqualTo(Kind.RETRY);
        assertThat(KafkaRefusal.classify(new NetworkException("disconnected"))).isEqualTo(Kind.RETRY);
        assertThat(KafkaRefusal.classify(new NotEnoughReplicasException("isr"))).isEqualTo(Kind.RETRY);
        assertThat(KafkaRefusal.classify(new IllegalStateException("bug"))).isEqualTo(Kind.RETRY);
    }
}

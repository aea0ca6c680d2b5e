package io.fogbridge.kafka.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Command;
import io.fogbridge.kafka.command.CommandRecordParser.Malformed;
import io.fogbridge.kafka.command.CommandRecordParser.Parsed;
import io.fogbridge.kafka.command.CommandRecordParser.Valid;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Records as a cloud application would produce them to {@code fog.command.acme} (ARCHITECTURE.md, "Kafka records"). */
class CommandRecordParserTest {

    private static final long TIMESTAMP = 1_700_000_000_000L;
    private static final long NOW = TIMESTAMP + 5;

    @Test
    void aCompleteRecordBecomesACommand() {
        Command command = valid(record(
                "valve-1",
                "open",
                Map.of(
                        "subject", "setValve",
                        "correlation-id", "c-1",
                        "response-required", "true",
                        "ttl", "30000",
                        "content-type", "text/plain")));

        assertThat(command.id()).isEqualTo("fog.command.acme/2/42");
        assertThat(command.tenant()).isEqualTo("acme");
        assertThat(command.device()).isEqualTo("valve-1");
        assertThat(command.name()).isEqualTo("setValve");
        assertThat(command.correlationId()).isEqualTo("c-1");
        assertThat(command.responseRequired()).isTrue();
        assertThat(command.oneWay()).isFalse();
        assertThat(command.payload()).isEqualTo("open".getBytes(StandardCharsets.UTF_8));
        assertThat(command.contentType()).isEqualTo("text/plain");
        assertThat(command.createdAt()).isEqualTo(TIMESTAMP);
        assertThat(command.deadline()).isEqualTo(TIMESTAMP + 30_000);
    }

    @Test
    void theDeviceMayComeFromTheDeviceIdHeaderAndKeyAndHeaderMustAgree() {
        assertThat(valid(record(null, "x", Map.of("device_id", "valve-2", "subject", "s", "ttl", "1")))
                        .device())
                .isEqualTo("valve-2");
        assertThat(valid(record("valve-2", "x", Map.of("device_id", "valve-2", "subject", "s", "ttl", "1")))
                        .device())
                .isEqualTo("valve-2");

        Malformed differ =
                malformed(record("valve-1", "x", Map.of("device_id", "valve-2", "subject", "s", "ttl", "1")));
        assertThat(differ.reason()).contains("differ");
    }

    @Test
    void withoutKeyOrDeviceIdTheRecordIsRefusedButTheCorrelationIdIsKeptForTheAnswer() {
        Malformed bad = malformed(record(null, "x", Map.of("subject", "s", "correlation-id", "c-9", "ttl", "1000")));

        assertThat(bad.tenant()).isEqualTo("acme");
        assertThat(bad.device()).isNull();
        assertThat(bad.correlationId()).isEqualTo("c-9");
        assertThat(bad.reason()).contains("no target device");
        assertThat(malformed(record("", "x", Map.of("subject", "s", "ttl", "1")))
                        .reason())
                .contains("no target device");
    }

    @Test
    void aMissingNegativeOrNonNumericTtlIsRefused() {
        Malformed missing = malformed(record("valve-1", "x", Map.of("subject", "s", "correlation-id", "c")));
        assertThat(missing.reason()).contains("no ttl");
        assertThat(missing.device()).isEqualTo("valve-1");
        assertThat(missing.correlationId()).isEqualTo("c");

        assertThat(malformed(record("valve-1", "x", Map.of("subject", "s", "ttl", "soon")))
                        .reason())
                .contains("ttl must be a number");
        assertThat(malformed(record("valve-1", "x", Map.of("subject", "s", "ttl", "-1")))
                        .reason())
                .contains("ttl must not be negative");
        assertThat(malformed(record("valve-1", "x", Map.of("subject", "s", "ttl", "")))
                        .reason())
                .contains("ttl must be a number");
    }

    @Test
    void aHugeTtlDoesNotOverflowTheDeadline() {
        Command command = valid(record("valve-1", "x", Map.of("subject", "s", "ttl", Long.toString(Long.MAX_VALUE))));
        assertThat(command.deadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(command.expiredAt(NOW)).isFalse();
    }

    @Test
    void responseRequiredMustBeTrueOrFalseAndTrueNeedsACorrelationId() {
        assertThat(malformed(record(
                                "valve-1",
                                "x",
                                Map.of(
                                        "subject",
                                        "s",
                                        "ttl",
                                        "1",
                                        "correlation-id",
                                        "c",
                                        "response-required",
                                        "maybe")))
                        .reason())
                .contains("response-required must be true or false");
        assertThat(malformed(record("valve-1", "x", Map.of("subject", "s", "ttl", "1", "response-required", "true")))
                        .reason())
                .contains("no correlation-id");

        Command oneWay = valid(record(
                "valve-1",
                "x",
                Map.of("subject", "s", "ttl", "1", "correlation-id", "c", "response-required", "FALSE")));
        assertThat(oneWay.responseRequired()).isFalse();
        assertThat(oneWay.oneWay()).isTrue();
        // Not said: a correlation id means someone waits for the answer.
        assertThat(valid(record("valve-1", "x", Map.of("subject", "s", "ttl", "1", "correlation-id", "c")))
                        .responseRequired())
                .isTrue();
        assertThat(valid(record("valve-1", "x", Map.of("subject", "s", "ttl", "1")))
                        .oneWay())
                .isTrue();
    }

    @Test
    void idsThatAreNotSingleTopicLevelsAreRefusedAndNotEchoed() {
        for (String bad : new String[] {"a/b", "a+", "#", "x".repeat(CommandRecordParser.MAX_ID + 1)}) {
            Malformed device = malformed(record(bad, "x", Map.of("subject", "s", "ttl", "1", "correlation-id", "c")));
            assertThat(device.reason()).as(bad).contains("device id must be");
            assertThat(device.device()).as(bad).isNull();
            assertThat(device.correlationId()).as(bad).isEqualTo("c");

            Malformed correlation =
                    malformed(record("valve-1", "x", Map.of("subject", "s", "ttl", "1", "correlation-id", bad)));
            assertThat(correlation.reason()).as(bad).contains("correlation-id must be");
            assertThat(correlation.correlationId()).as(bad).isNull(); // it could not be a response topic level
            assertThat(correlation.device()).as(bad).isEqualTo("valve-1");

            assertThat(malformed(record("valve-1", "x", Map.of("subject", bad, "ttl", "1")))
                            .reason())
                    .as(bad)
                    .contains("subject must be");
        }
    }

    @Test
    void aMissingSubjectIsRefused() {
        assertThat(malformed(record("valve-1", "x", Map.of("ttl", "1"))).reason())
                .contains("no command name");
        assertThat(malformed(record("valve-1", "x", Map.of("subject", " ", "ttl", "1")))
                        .reason())
                .contains("no command name");
    }

    @Test
    void invalidUtf8InAHeaderIsRefused() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("subject", new byte[] {(byte) 0xc3, (byte) 0x28});
        headers.add("ttl", "1".getBytes(StandardCharsets.UTF_8));
        Malformed bad = malformed(new ConsumerRecord<>(
                "fog.command.acme",
                0,
                1,
                TIMESTAMP,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                "valve-1".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                headers,
                Optional.empty()));
        assertThat(bad.reason()).contains("UTF-8");
        assertThat(bad.tenant()).isEqualTo("acme");
    }

    @Test
    void aNonUtf8SubjectIsRefusedWithTheValidCorrelationIdAndDevice() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("subject", new byte[] {(byte) 0xff, 'o', 'p', 'e', 'n'});
        headers.add("correlation-id", "req-17".getBytes(StandardCharsets.UTF_8));
        headers.add("ttl", "1000".getBytes(StandardCharsets.UTF_8));
        Malformed bad = malformed(recordWith("valve-1".getBytes(StandardCharsets.UTF_8), headers));
        assertThat(bad.reason()).isEqualTo("the subject header is not valid UTF-8");
        assertThat(bad.correlationId()).isEqualTo("req-17");
        assertThat(bad.device()).isEqualTo("valve-1");
    }

    @Test
    void aNonUtf8CorrelationIdOrKeyIsLeftOutOfTheAnswer() {
        RecordHeaders badCorrelation = new RecordHeaders();
        badCorrelation.add("subject", "open".getBytes(StandardCharsets.UTF_8));
        badCorrelation.add("correlation-id", new byte[] {(byte) 0xc3, (byte) 0x28});
        badCorrelation.add("ttl", "1000".getBytes(StandardCharsets.UTF_8));
        Malformed first = malformed(recordWith("valve-1".getBytes(StandardCharsets.UTF_8), badCorrelation));
        assertThat(first.reason()).contains("correlation-id header is not valid UTF-8");
        assertThat(first.correlationId()).isNull();
        assertThat(first.device()).isEqualTo("valve-1");

        RecordHeaders badKey = new RecordHeaders();
        badKey.add("subject", "open".getBytes(StandardCharsets.UTF_8));
        badKey.add("correlation-id", "req-18".getBytes(StandardCharsets.UTF_8));
        badKey.add("device_id", "valve-1".getBytes(StandardCharsets.UTF_8));
        badKey.add("ttl", "1000".getBytes(StandardCharsets.UTF_8));
        Malformed second = malformed(recordWith(new byte[] {(byte) 0xff}, badKey));
        assertThat(second.reason()).isEqualTo("the record key is not valid UTF-8");
        assertThat(second.correlationId()).isEqualTo("req-18");
        assertThat(second.device()).as("the target is unclear").isNull();
    }

    private static ConsumerRecord<byte[], byte[]> recordWith(byte[] key, RecordHeaders headers) {
        return new ConsumerRecord<>(
                "fog.command.acme",
                0,
                1,
                TIMESTAMP,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key,
                new byte[0],
                headers,
                Optional.empty());
    }

    @Test
    void aRecordWithoutTimestampOrValueUsesNowAndAnEmptyPayload() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                "fog.command.acme",
                0,
                7,
                -1,
                TimestampType.NO_TIMESTAMP_TYPE,
                -1,
                -1,
                "valve-1".getBytes(StandardCharsets.UTF_8),
                null,
                headers(Map.of("subject", "ping", "ttl", "100")),
                Optional.empty());
        Command command = valid(record);
        assertThat(command.createdAt()).isEqualTo(NOW);
        assertThat(command.deadline()).isEqualTo(NOW + 100);
        assertThat(command.payload()).isEmpty();
    }

    // ---- helpers ----

    private static Command valid(ConsumerRecord<byte[], byte[]> record) {
        Parsed parsed = CommandRecordParser.parse(record, NOW);
        assertThat(parsed).isInstanceOf(Valid.class);
        return ((Valid) parsed).command();
    }

    private static Malformed malformed(ConsumerRecord<byte[], byte[]> record) {
        Parsed parsed = CommandRecordParser.parse(record, NOW);
        assertThat(parsed).isInstanceOf(Malformed.class);
        return (Malformed) parsed;
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, Map<String, String> headers) {
        return new ConsumerRecord<>(
                "fog.command.acme",
                2,
                42,
                TIMESTAMP,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8),
                headers(headers),
                Optional.empty());
    }

    private static RecordHeaders headers(Map<String, String> values) {
        RecordHeaders headers = new RecordHeaders();
        new LinkedHashMap<>(values).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }
}

package io.fogbridge.kafka.command;

import io.fogbridge.api.Command;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a {@code fog.command.{tenant}} record into a {@link Command} or says why it is not one
 * (ARCHITECTURE.md, "Kafka records"). Checks: a target device (key, or {@code device_id}; both must agree),
 * a {@code subject}, a {@code ttl} of non-negative milliseconds, {@code response-required} {@code true} or
 * {@code false} (true needs a {@code correlation-id}), and ids that are single MQTT topic levels (no
 * {@code / + #}, at most {@value #MAX_ID} characters) and valid UTF-8. The deadline is the record timestamp plus
 * the ttl; the command id is {@code topic/partition/offset}, stable across restarts. Pure and thread-safe.
 */
final class CommandRecordParser {

    static final int MAX_ID = 256;

    /** Either a command or a refusal with what could be read of the record. */
    sealed interface Parsed {}

    record Valid(Command command) implements Parsed {}

    record Malformed(String tenant, String device, String correlationId, String reason) implements Parsed {}

    private CommandRecordParser() {}

    static Parsed parse(ConsumerRecord<byte[], byte[]> record, long now) {
        String tenant = Topics.tenantOfCommandTopic(record.topic());
        String correlationId;
        String key;
        String deviceHeader;
        String subject;
        String ttlText;
        String responseRequiredText;
        String contentType;
        try {
            correlationId = header(record, Headers.CORRELATION_ID);
            key = record.key() == null ? null : utf8(record.key());
            deviceHeader = header(record, Headers.DEVICE_ID);
            subject = header(record, Headers.SUBJECT);
            ttlText = header(record, Headers.TTL);
            responseRequiredText = header(record, Headers.RESPONSE_REQUIRED);
            contentType = header(record, Headers.CONTENT_TYPE);
        } catch (CharacterCodingException e) {
            return new Malformed(tenant, null, null, "the key or a header is not valid UTF-8");
        }
        String device = key != null && !key.isEmpty() ? key : deviceHeader;
        String deviceForReply = validId(device) ? device : null;
        String correlationForReply = validId(correlationId) ? correlationId : null;
        String problem = problem(key, deviceHeader, device, subject, ttlText, responseRequiredText, correlationId);
        if (problem != null) {
            return new Malformed(tenant, deviceForReply, correlationForReply, problem);
        }
        long ttl = Long.parseLong(ttlText.trim());
        long createdAt = record.timestamp() > 0 ? record.timestamp() : now;
        boolean responseRequired = responseRequiredText == null
                ? correlationId != null
                : Boolean.parseBoolean(responseRequiredText.trim());
        String id = record.topic() + "/" + record.partition() + "/" + record.offset();
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        long deadline = ttl > Long.MAX_VALUE - createdAt ? Long.MAX_VALUE : createdAt + ttl;
        return new Valid(new Command(
                id,
                tenant,
                device,
                subject,
                correlationId,
                responseRequired,
                payload,
                contentType,
                createdAt,
                deadline));
    }

    private static String problem(
            String key,
            String deviceHeader,
            String device,
            String subject,
            String ttlText,
            String responseRequiredText,
            String correlationId) {
        if (device == null || device.isEmpty()) {
            return "no target device: the record has neither a key nor a device_id header";
        }
        if (key != null && !key.isEmpty() && deviceHeader != null && !deviceHeader.equals(key)) {
            return "the record key '" + key + "' and the device_id header '" + deviceHeader + "' differ";
        }
        if (!validId(device)) {
            return "device id must be 1-" + MAX_ID + " characters without '/', '+' or '#'";
        }
        if (subject == null || subject.isBlank()) {
            return "no command name: the subject header is missing";
        }
        if (!validId(subject)) {
            return "subject must be 1-" + MAX_ID + " characters without '/', '+' or '#'";
        }
        if (ttlText == null) {
            return "no ttl header (milliseconds the command stays valid)";
        }
        try {
            if (Long.parseLong(ttlText.trim()) < 0) {
                return "ttl must not be negative, got '" + ttlText + "'";
            }
        } catch (NumberFormatException e) {
            return "ttl must be a number of milliseconds, got '" + ttlText + "'";
        }
        if (responseRequiredText != null
                && !responseRequiredText.trim().equalsIgnoreCase("true")
                && !responseRequiredText.trim().equalsIgnoreCase("false")) {
            return "response-required must be true or false, got '" + responseRequiredText + "'";
        }
        if (correlationId != null && !validId(correlationId)) {
            return "correlation-id must be 1-" + MAX_ID + " characters without '/', '+' or '#'";
        }
        if (correlationId == null
                && responseRequiredText != null
                && Boolean.parseBoolean(responseRequiredText.trim())) {
            return "response-required is true but there is no correlation-id";
        }
        return null;
    }

    private static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '+' || c == '#' || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) throws CharacterCodingException {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : utf8(header.value());
    }

    private static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}

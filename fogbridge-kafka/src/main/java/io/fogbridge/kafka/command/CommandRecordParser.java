package io.fogbridge.kafka.command;

import io.fogbridge.api.Command;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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
        // Each field is decoded on its own, so a record refused for one bad header still answers with the
        // correlation id and device it carries: the sender can match the 400.
        Decoded correlationId = header(record, Headers.CORRELATION_ID);
        Decoded key = record.key() == null ? Decoded.ABSENT : Decoded.of(record.key());
        Decoded deviceHeader = header(record, Headers.DEVICE_ID);
        String keyOrDevice = !key.valid()
                ? null // the target is unclear: name no device in the answer
                : key.text() != null && !key.text().isEmpty() ? key.text() : deviceHeader.text();
        String deviceForReply = validId(keyOrDevice) ? keyOrDevice : null;
        String correlationForReply = validId(correlationId.text()) ? correlationId.text() : null;
        Decoded subjectField = header(record, Headers.SUBJECT);
        Decoded ttlField = header(record, Headers.TTL);
        Decoded responseRequiredField = header(record, Headers.RESPONSE_REQUIRED);
        Decoded contentTypeField = header(record, Headers.CONTENT_TYPE);
        Map<String, Decoded> fields = new LinkedHashMap<>();
        fields.put("the record key", key);
        fields.put("the " + Headers.CORRELATION_ID + " header", correlationId);
        fields.put("the " + Headers.DEVICE_ID + " header", deviceHeader);
        fields.put("the " + Headers.SUBJECT + " header", subjectField);
        fields.put("the " + Headers.TTL + " header", ttlField);
        fields.put("the " + Headers.RESPONSE_REQUIRED + " header", responseRequiredField);
        fields.put("the " + Headers.CONTENT_TYPE + " header", contentTypeField);
        for (Map.Entry<String, Decoded> field : fields.entrySet()) {
            if (!field.getValue().valid()) {
                return new Malformed(
                        tenant, deviceForReply, correlationForReply, field.getKey() + " is not valid UTF-8");
            }
        }
        String subject = subjectField.text();
        String ttlText = ttlField.text();
        String responseRequiredText = responseRequiredField.text();
        String contentType = contentTypeField.text();
        String device = keyOrDevice;
        String problem = problem(
                key.text(), deviceHeader.text(), device, subject, ttlText, responseRequiredText, correlationId.text());
        if (problem != null) {
            return new Malformed(tenant, deviceForReply, correlationForReply, problem);
        }
        long ttl = Long.parseLong(ttlText.trim());
        long createdAt = record.timestamp() > 0 ? record.timestamp() : now;
        boolean responseRequired = responseRequiredText == null
                ? correlationId.text() != null
                : Boolean.parseBoolean(responseRequiredText.trim());
        String id = record.topic() + "/" + record.partition() + "/" + record.offset();
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        long deadline = ttl > Long.MAX_VALUE - createdAt ? Long.MAX_VALUE : createdAt + ttl;
        return new Valid(new Command(
                id,
                tenant,
                device,
                subject,
                correlationId.text(),
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

    /** A header or key as text; {@code text} is null when it is absent or not UTF-8 ({@code valid} false). */
    private record Decoded(String text, boolean valid) {
        static final Decoded ABSENT = new Decoded(null, true);

        static Decoded of(byte[] bytes) {
            try {
                return new Decoded(
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(bytes))
                                .toString(),
                        true);
            } catch (CharacterCodingException e) {
                return new Decoded(null, false);
            }
        }
    }

    private static Decoded header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? Decoded.ABSENT : Decoded.of(header.value());
    }
}

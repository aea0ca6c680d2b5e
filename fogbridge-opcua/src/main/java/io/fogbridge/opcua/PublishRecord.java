package io.fogbridge.opcua;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;

/**
 * The payload of one publish response of one endpoint's subscription (content type {@code application/json}):
 *
 * <pre>{@code
 * {"ts": 1764806400123, "serverTs": 1764806400130,
 *  "values":  {"level": 42.5, "pump": true, "name": "T-1", "missing": null},
 *  "quality": {"level": "good", "pump": "good", "name": "good", "missing": "bad:BadNodeIdUnknown"}}
 * }</pre>
 *
 * <ul>
 *   <li>{@code ts}: the newest source timestamp of the values, ms since epoch (the server time when the server sent
 *       none; the receive time when it sent neither)
 *   <li>{@code serverTs}: the newest server timestamp of the values, or null
 *   <li>{@code values}: the items that changed in this publish (a deadband or an unchanged value sends nothing), in
 *       the order the server sent them: a JSON boolean, number, string or array; {@code null} when the status is bad.
 *       An item holds one value per record: several values of one item in a publish become several records
 *       ({@link EndpointSession}); byte strings are base64,
 *       date-times ms since epoch, localized texts their text
 *   <li>{@code quality}: {@code good}, or {@code uncertain:<StatusCodeName>} / {@code bad:<StatusCodeName>}
 * </ul>
 *
 * Not thread-safe; built and encoded by one publish.
 */
final class PublishRecord {

    static final String CONTENT_TYPE = "application/json";
    static final String GOOD = "good";
    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> quality = new LinkedHashMap<>();
    private long sourceTs = Long.MIN_VALUE;
    private long serverTs = Long.MIN_VALUE;

    void add(String name, DataValue value) {
        StatusCode status = value.getStatusCode() == null ? StatusCode.GOOD : value.getStatusCode();
        quality.put(name, quality(status));
        values.put(name, status.isBad() ? null : value.getValue().getValue());
        sourceTs = Math.max(sourceTs, millis(value.getSourceTime()));
        serverTs = Math.max(serverTs, millis(value.getServerTime()));
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    int size() {
        return values.size();
    }

    /** The record's {@code ts}: source time, else server time, else {@code received}. */
    long ts(long received) {
        return sourceTs != Long.MIN_VALUE ? sourceTs : serverTs != Long.MIN_VALUE ? serverTs : received;
    }

    Map<String, String> quality() {
        return quality;
    }

    byte[] encode(long received) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + values.size() * 40);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("ts", ts(received));
            json.writeFieldName("serverTs");
            if (serverTs == Long.MIN_VALUE) {
                json.writeNull();
            } else {
                json.writeNumber(serverTs);
            }
            json.writeObjectFieldStart("values");
            for (Map.Entry<String, Object> entry : values.entrySet()) {
                json.writeFieldName(entry.getKey());
                writeValue(json, entry.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("quality");
            for (Map.Entry<String, String> entry : quality.entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    static String quality(StatusCode status) {
        if (status.isGood()) {
            return GOOD;
        }
        String name = StatusCodes.lookup(status.value())
                .map(names -> names[0])
                .orElse(String.format("0x%08X", status.value()));
        return (status.isBad() ? "bad:" : "uncertain:") + name;
    }

    private static long millis(DateTime time) {
        return time == null || time.isNull() ? Long.MIN_VALUE : time.getJavaTime();
    }

    /** One OPC UA value as JSON, as in {@code values}; method outputs are written the same way. */
    static void writeValue(JsonGenerator json, Object value) throws IOException {
        switch (value) {
            case null -> json.writeNull();
            case Boolean b -> json.writeBoolean(b);
            case Double d when !Double.isFinite(d) -> json.writeString(d.toString());
            case Float f when !Float.isFinite(f) -> json.writeString(f.toString());
            case Double d -> json.writeNumber(d);
            case Float f -> json.writeNumber(f);
            case ULong u -> json.writeNumber(u.toBigInteger());
            case BigInteger big -> json.writeNumber(big);
            case Number n -> json.writeNumber(n.longValue()); // bytes, shorts, ints, longs and their unsigned kinds
            case String s -> json.writeString(s);
            case DateTime t -> json.writeNumber(t.getJavaTime());
            case LocalizedText t -> json.writeString(t.text());
            case ByteString b -> json.writeBinary(b.bytesOrEmpty());
            default -> {
                if (value.getClass().isArray()) {
                    json.writeStartArray();
                    for (int i = 0; i < Array.getLength(value); i++) {
                        writeValue(json, Array.get(value, i));
                    }
                    json.writeEndArray();
                } else {
                    json.writeString(value.toString()); // structures, node ids, GUIDs: their text form
                }
            }
        }
    }
}

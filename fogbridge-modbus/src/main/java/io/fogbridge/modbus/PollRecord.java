package io.fogbridge.modbus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload of one poll of one group of one device (content type {@code application/json}):
 *
 * <pre>{@code
 * {"ts": 1764806400123, "group": "fast",
 *  "values":  {"spindleSpeed": 1200.5, "doorOpen": false, "serial": "LX-300", "broken": null},
 *  "quality": {"spindleSpeed": "good", "doorOpen": "good", "serial": "good", "broken": "bad:exception-0x02"}}
 * }</pre>
 *
 * <ul>
 *   <li>{@code ts}: ms since epoch when the last answer of the poll arrived (the reading's time, not the send time;
 *       the record's {@code creation-time} header is the same instant)
 *   <li>{@code values}: every readable tag of the group, in config order: a JSON boolean, number (integers exact,
 *       {@code uint64} too; scaled values as decimals) or string; {@code null} when its quality is bad
 *   <li>{@code quality}: {@code good}, or {@code bad:<reason>} with reason {@code exception-0xNN} (the device's Modbus
 *       exception code), {@code timeout}, {@code malformed}, {@code disconnected} or {@code not-finite} (a float that
 *       is NaN or infinite, which JSON cannot carry)
 * </ul>
 *
 * Not thread-safe; built and encoded by one poll.
 */
final class PollRecord {

    static final String CONTENT_TYPE = "application/json";
    static final String GOOD = "good";
    private static final JsonFactory JSON = new JsonFactory();

    private final String group;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> quality = new LinkedHashMap<>();

    /** A record whose {@code values} and {@code quality} list {@code tags} in this order, whatever order they are read in. */
    PollRecord(String group, List<Tag> tags) {
        this.group = group;
        tags.forEach(t -> bad(t.name(), "not-read")); // placeholders: every tag is read or given its reason
    }

    void good(String tag, Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            bad(tag, "not-finite");
            return;
        }
        values.put(tag, value);
        quality.put(tag, GOOD);
    }

    void bad(String tag, String reason) {
        values.put(tag, null);
        quality.put(tag, "bad:" + reason);
    }

    boolean has(String tag) {
        return quality.containsKey(tag);
    }

    Map<String, String> quality() {
        return quality;
    }

    byte[] encode(long ts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + values.size() * 40);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("ts", ts);
            json.writeStringField("group", group);
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

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        switch (value) {
            case null -> json.writeNull();
            case Boolean b -> json.writeBoolean(b);
            case Long l -> json.writeNumber(l);
            case BigInteger big -> json.writeNumber(big);
            case Double d -> json.writeNumber(d);
            case String s -> json.writeString(s);
            default -> throw new IllegalArgumentException("not a tag value: " + value.getClass());
        }
    }
}

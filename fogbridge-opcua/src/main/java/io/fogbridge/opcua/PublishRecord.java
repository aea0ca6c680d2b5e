package io.fogbridge.opcua;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p><b>Bounded.</b> A record is at most the gateway's record limit ({@code devices.maxPayload}, {@link
 * #encode(long, long)}): a publish whose changes together are larger becomes several records, each with the same
 * {@code ts} and {@code serverTs}; a single value that alone would not fit (a huge array) is not sent: it is
 * {@code null} with quality {@code bad:Bad_EncodingLimitsExceeded}, and encoding it stops at the limit, so a huge
 * value costs the heap what the server sent (at most the client's 2 MiB message limit), not its JSON as well.
 *
 * Not thread-safe; built and encoded by one publish.
 */
final class PublishRecord {

    static final String CONTENT_TYPE = "application/json";
    static final String GOOD = "good";
    static final String TOO_LARGE = "bad:Bad_EncodingLimitsExceeded";
    /** Room a record needs around one item's value: timestamps, braces, its name twice and the quality. */
    private static final int OVERHEAD = 160;

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
        return encode(received, Long.MAX_VALUE).payloads().getFirst(); // unbounded: one payload
    }

    /**
     * The record as payloads of at most {@code maxBytes} each, in the items' order, and the items whose value alone
     * would have been larger (sent as null, quality {@link #TOO_LARGE}).
     *
     * @param tooLarge the size such a value reached before its encoding was stopped: more than the limit
     */
    record Encoded(List<byte[]> payloads, Map<String, Long> tooLarge) {}

    Encoded encode(long received, long maxBytes) {
        Bounded whole = new Bounded(maxBytes, 64 + values.size() * 40);
        try {
            write(whole, received, values, quality);
            return new Encoded(List.of(whole.toByteArray()), Map.of());
        } catch (Bounded.Full full) {
            return split(received, maxBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    /** The slow path, for a publish over the limit: each value on its own, then as many records as they need. */
    private Encoded split(long received, long maxBytes) {
        Map<String, Long> tooLarge = new LinkedHashMap<>();
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            long budget = Math.max(0, maxBytes - OVERHEAD - 4L * entry.getKey().length());
            Bounded one = new Bounded(budget, 256);
            try (JsonGenerator json = JSON.createGenerator(one)) {
                writeValue(json, entry.getValue());
            } catch (Bounded.Full full) {
                tooLarge.put(entry.getKey(), full.size());
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            encoded.put(entry.getKey(), one.toByteArray());
        }
        List<byte[]> payloads = new ArrayList<>();
        Map<String, Object> part = new LinkedHashMap<>();
        Map<String, String> partQuality = new LinkedHashMap<>();
        long size = OVERHEAD;
        for (String name : values.keySet()) {
            byte[] value = encoded.get(name);
            long cost = 4L * name.length()
                    + 16
                    + (value == null
                            ? TOO_LARGE.length()
                            : value.length + quality.get(name).length());
            if (!part.isEmpty() && size + cost > maxBytes) {
                payloads.add(raw(received, part, partQuality));
                part.clear();
                partQuality.clear();
                size = OVERHEAD;
            }
            part.put(name, value == null ? null : new RawJson(value));
            partQuality.put(name, value == null ? TOO_LARGE : quality.get(name));
            size += cost;
        }
        if (!part.isEmpty()) {
            payloads.add(raw(received, part, partQuality));
        }
        return new Encoded(payloads, tooLarge);
    }

    /** A value already encoded, copied into the record as it is. */
    private record RawJson(byte[] json) {}

    private byte[] raw(long received, Map<String, Object> part, Map<String, String> partQuality) {
        Bounded out = new Bounded(Long.MAX_VALUE, OVERHEAD + part.size() * 64);
        try {
            write(out, received, part, partQuality);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void write(Bounded out, long received, Map<String, Object> values, Map<String, String> quality)
            throws IOException {
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
                if (entry.getValue() instanceof RawJson raw) {
                    json.writeRawValue(new String(raw.json(), StandardCharsets.UTF_8));
                } else {
                    writeValue(json, entry.getValue());
                }
            }
            json.writeEndObject();
            json.writeObjectFieldStart("quality");
            for (Map.Entry<String, String> entry : quality.entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    /**
     * A byte array that refuses to grow past {@code max}: the generator hands it its buffer (8 kB) at a time, so a
     * huge value is abandoned within a buffer of the limit.
     */
    private static final class Bounded extends OutputStream {
        private final long max;
        private byte[] bytes;
        private int count;

        /** The output passed its limit; {@link #size()} is how far it got. */
        static final class Full extends IOException {
            private static final long serialVersionUID = 1L;
            private final long size;

            Full(long size) {
                super("over the record limit", null);
                this.size = size;
            }

            long size() {
                return size;
            }
        }

        Bounded(long max, int initial) {
            this.max = max;
            this.bytes = new byte[(int) Math.min(initial, Math.max(32, max))];
        }

        @Override
        public void write(byte[] b, int off, int len) throws Full {
            if (count + (long) len > max) {
                throw new Full(count + (long) len);
            }
            if (count + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(count + len, bytes.length * 2));
            }
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        @Override
        public void write(int b) throws Full {
            write(new byte[] {(byte) b}, 0, 1);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, count);
        }
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

package io.fogbridge.pipeline.reduction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the few fields a rule needs from a JSON object payload, with Jackson's streaming parser: subtrees no field
 * lies in are skipped unread, and parsing stops once every field was found. A field path is dot-separated object
 * keys from the top ({@code temp}, {@code values.rpm}).
 *
 * <p>What a field holds becomes, in {@link Sample#values()}: a {@link Double} for a JSON number (also {@code NaN}
 * and {@code Infinity}, which some devices send although JSON has no such literals); a {@link String} for anything
 * else — its JSON text, so that the string {@code "1"} and the number 1, or {@code "true"} and {@code true}, differ;
 * objects and arrays as their exact bytes; null when the field is missing. Numbers written as strings stay strings.
 *
 * <p>Immutable and thread-safe.
 */
final class FieldReader {

    static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** A trie of the field paths: a key leads on to more keys, or ends at a field's index. */
    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        int field = -1;
    }

    private final Node root = new Node();
    private final int fieldCount;

    FieldReader(String[] fields) {
        this.fieldCount = fields.length;
        for (int i = 0; i < fields.length; i++) {
            Node node = root;
            for (String key : fields[i].split("\\.", -1)) {
                node = node.children.computeIfAbsent(key, k -> new Node());
            }
            node.field = i;
        }
    }

    /** @return the fields' values, or null when the payload is not a JSON object (or breaks before one was found) */
    Sample read(byte[] payload) {
        Object[] values = new Object[fieldCount];
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            readObject(parser, root, payload, values, new int[] {fieldCount});
        } catch (IOException e) { // also Jackson's StreamReadException: malformed JSON
            return null;
        }
        return new Sample(values);
    }

    /** @param missing how many fields are still to find; reading stops at 0 */
    private static void readObject(JsonParser parser, Node node, byte[] payload, Object[] values, int[] missing)
            throws IOException {
        while (missing[0] > 0 && parser.nextToken() == JsonToken.FIELD_NAME) {
            Node child = node.children.get(parser.currentName());
            JsonToken token = parser.nextToken();
            if (child == null) {
                parser.skipChildren();
            } else if (child.field >= 0) {
                if (values[child.field] == null) {
                    missing[0]--;
                }
                values[child.field] = value(parser, token, payload);
            } else if (token == JsonToken.START_OBJECT) {
                readObject(parser, child, payload, values, missing);
            } else {
                parser.skipChildren();
            }
        }
    }

    private static Object value(JsonParser parser, JsonToken token, byte[] payload) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_STRING -> '"' + parser.getText() + '"';
            case START_OBJECT, START_ARRAY -> {
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                yield new String(payload, start, end - start, StandardCharsets.UTF_8);
            }
            default -> parser.getText(); // true, false, null
        };
    }
}

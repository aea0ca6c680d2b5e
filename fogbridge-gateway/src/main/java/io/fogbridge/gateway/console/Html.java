package io.fogbridge.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns text into HTML text. Everything a device chose (its id, client id, topic, payload) goes through {@link
 * #text}: a payload holding {@code <script>} or {@code <img onerror>} is shown as those characters and never parsed as
 * markup. The pages put escaped text only in element content and in double-quoted attribute values, where escaping
 * {@code & < > " '} is enough. Stateless and thread-safe.
 */
public final class Html {

    /** How much of a payload the devices page shows: enough to read a reading, too little to bloat a page. */
    public static final int PAYLOAD_SHOWN = 2048;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Html() {}

    /** {@code value} escaped for element content or a double-quoted attribute; null gives the empty string. */
    public static String text(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code value} as a query parameter value, then escaped for a double-quoted attribute. */
    public static String query(String value) {
        return text(URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8));
    }

    /**
     * A payload as readable text, not yet escaped: JSON pretty-printed, other UTF-8 as it is, anything else as
     * {@code <n bytes, binary>}; control characters other than newline and tab become U+FFFD so a payload cannot
     * rewrite the terminal of whoever copies it. At most {@code limit} characters, never splitting a surrogate pair.
     */
    public static String payload(byte[] payload, int limit) {
        if (payload == null) {
            return "";
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return "<" + payload.length + " bytes, binary>";
        }
        return truncate(visible(prettyJson(decoded)), limit);
    }

    private static String prettyJson(String text) {
        String trimmed = text.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return text;
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
        }
        return out.toString();
    }

    private static String truncate(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
        return text.substring(0, end) + "\n… (" + (text.length() - end) + " more characters)";
    }
}

package io.fogbridge.api.log;

/**
 * A value that came from outside the gateway (a user name, client id, topic, path, subject, device id, header
 * value), as a log argument: {@code log.warn("client {}: {}", Untrusted.of(clientId), reason)}. Its
 * {@link #toString()} is the text made safe for a line-oriented log, so whoever sent it cannot forge a log line,
 * hide part of one, or make one huge:
 *
 * <ul>
 *   <li>line breaks and every other character a terminal or log viewer acts on come out as escapes: {@code \n},
 *       {@code \r}, {@code \t}, and {@code \}{@code u0000}-style for the other C0 and C1 controls, DEL, the Unicode
 *       format characters (bidi overrides and isolates, zero-width characters, the byte order mark, soft hyphen),
 *       the line and paragraph separators and unpaired surrogates;
 *   <li>a backslash is doubled, so an escape in the log always means the character, never the sender's text;
 *   <li>only the first {@link #MAX_CHARS} characters are kept, then {@code …(N more)} says how many were cut.
 * </ul>
 *
 * <p>The escaping happens when the logger formats the message, so a value that is not logged costs one small object
 * and nothing else. Immutable and thread-safe; {@code null} logs as {@code null}.
 */
public final class Untrusted {

    /** Characters of the value kept in a log line; at most six output characters each after escaping. */
    public static final int MAX_CHARS = 200;

    /** Characters kept of a {@link #composite} value. */
    public static final int MAX_COMPOSITE_CHARS = 1_200;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Object value;
    private final int maxChars;

    private Untrusted(Object value, int maxChars) {
        this.value = value;
        this.maxChars = maxChars;
    }

    /** Wraps a value for a log argument; its {@code toString()} is read only when the line is written. */
    public static Untrusted of(Object value) {
        return new Untrusted(value, MAX_CHARS);
    }

    /**
     * As {@link #of(Object)}, keeping up to {@link #MAX_COMPOSITE_CHARS} characters: for a value whose text holds
     * several outside strings, each bounded already (a command: its id, device, name and correlation id), and that
     * would lose its useful end at {@link #MAX_CHARS}.
     */
    public static Untrusted composite(Object value) {
        return new Untrusted(value, MAX_COMPOSITE_CHARS);
    }

    /** {@code text}, escaped and cut to {@link #MAX_CHARS} characters as described in the class comment. */
    public static String escape(CharSequence text) {
        return escape(text, MAX_CHARS);
    }

    private static String escape(CharSequence text, int maxChars) {
        if (text == null) {
            return "null";
        }
        int length = text.length();
        int keep = Math.min(length, maxChars);
        if (keep < length && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never cut a pair in two: half of it would log as an escape that the sender did not send
        }
        StringBuilder out = new StringBuilder(keep + 16);
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < keep && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, text.charAt(i + 1));
                if (Character.getType(codePoint) == Character.FORMAT) {
                    out.append("\\u{").append(Integer.toHexString(codePoint)).append('}');
                } else {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else {
                append(out, c);
            }
        }
        if (keep < length) {
            out.append("…(").append(length - keep).append(" more)");
        }
        return out.toString();
    }

    private static void append(StringBuilder out, char c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\\' -> out.append("\\\\");
            default -> {
                if (needsEscape(c)) {
                    out.append("\\u")
                            .append(HEX[(c >> 12) & 0xf])
                            .append(HEX[(c >> 8) & 0xf])
                            .append(HEX[(c >> 4) & 0xf])
                            .append(HEX[c & 0xf]);
                } else {
                    out.append(c);
                }
            }
        }
    }

    private static boolean needsEscape(char c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return true; // C0, DEL, C1 (NEL among them)
        }
        if (c < 0xa0) {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE // only unpaired ones reach here
                || type == Character.UNASSIGNED && c >= 0xfff0; // specials such as U+FFFF
    }

    /** The escaped, bounded text of the value. */
    @Override
    public String toString() {
        return escape(value == null ? null : value.toString(), maxChars);
    }
}

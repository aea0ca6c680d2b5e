package io.fogbridge.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A Kafka topic or key pattern filled in from a filter's captures: {@code fog.telemetry.{site}}, {@code {device}}.
 *
 * <p>Every {@code {name}} must be a capture of the filter the template belongs to; that is checked when the
 * template is parsed, so a route that parsed can always render. What cannot be checked then is what the
 * captures contain: a topic template must be checked with {@link #isLegalKafkaTopic} after rendering, and a
 * message whose captures make an illegal topic is refused (the route and the gateway stay up).
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicTemplate {

    /** Kafka's own limit for topic names. */
    public static final int MAX_KAFKA_TOPIC_LENGTH = 249;

    private final String text;
    /** literals.length == names.length + 1: literal, name, literal, name, …, literal. */
    private final String[] literals;

    private final String[] names;
    private final int literalLength;

    private TopicTemplate(String text, String[] literals, String[] names) {
        this.text = text;
        this.literals = literals;
        this.names = names;
        int length = 0;
        for (String literal : literals) {
            length += literal.length();
        }
        this.literalLength = length;
    }

    /**
     * Parses a key template (any characters outside the braces).
     *
     * @param captureNames the names the filter captures
     * @throws IllegalArgumentException on unbalanced braces, an empty {@code {}} or a name the filter does not
     *     capture (the message names it)
     */
    public static TopicTemplate parse(String text, Collection<String> captureNames) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("template must not be empty");
        }
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{') {
                int close = text.indexOf('}', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '{' in template '" + text + "'");
                }
                String name = text.substring(i + 1, close);
                if (name.isEmpty() || name.indexOf('{') >= 0) {
                    throw new IllegalArgumentException("expected '{name}' in template '" + text + "'");
                }
                if (!captureNames.contains(name)) {
                    throw new IllegalArgumentException("unknown capture '" + name + "' in template '" + text + "'; "
                            + (captureNames.isEmpty()
                                    ? "the filter captures nothing (name a level with '+name')"
                                    : "the filter captures " + String.join(", ", captureNames)));
                }
                literals.add(literal.toString());
                literal.setLength(0);
                names.add(name);
                i = close + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("unmatched '}' in template '" + text + "'");
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        return new TopicTemplate(text, literals.toArray(String[]::new), names.toArray(String[]::new));
    }

    /**
     * Parses a Kafka topic template: like {@link #parse}, and the fixed parts must be legal in a Kafka topic name
     * (a template without captures must be a legal name as a whole).
     */
    public static TopicTemplate parseKafkaTopic(String text, Collection<String> captureNames) {
        TopicTemplate template = parse(text, captureNames);
        for (String literal : template.literals) {
            for (int i = 0; i < literal.length(); i++) {
                if (!isLegalKafkaTopicChar(literal.charAt(i))) {
                    throw new IllegalArgumentException("character '" + literal.charAt(i)
                            + "' is not allowed in a Kafka topic name (use a-z A-Z 0-9 . _ -), in '" + text + "'");
                }
            }
        }
        if (template.literalLength > MAX_KAFKA_TOPIC_LENGTH) {
            throw new IllegalArgumentException(
                    "Kafka topic names are at most " + MAX_KAFKA_TOPIC_LENGTH + " characters, in '" + text + "'");
        }
        if (template.names.length == 0 && !isLegalKafkaTopic(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a legal Kafka topic name");
        }
        return template;
    }

    /** Fills in the captures. Every name the template uses must be in {@code captures}. */
    public String render(Map<String, String> captures) {
        if (names.length == 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(literalLength + 16 * names.length);
        for (int i = 0; i < names.length; i++) {
            out.append(literals[i]);
            String value = captures.get(names[i]);
            if (value == null) {
                throw new IllegalArgumentException("no value for capture '" + names[i] + "'");
            }
            out.append(value);
        }
        return out.append(literals[names.length]).toString();
    }

    /** The template as written. */
    public String text() {
        return text;
    }

    /** The capture names the template uses, in order (a name may repeat). */
    public List<String> references() {
        return List.of(names);
    }

    /** Kafka's rule: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, and not {@code .} or {@code ..}. */
    public static boolean isLegalKafkaTopic(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_KAFKA_TOPIC_LENGTH || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isLegalKafkaTopicChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLegalKafkaTopicChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

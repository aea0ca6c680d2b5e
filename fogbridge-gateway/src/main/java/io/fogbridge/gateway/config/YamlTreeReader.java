package io.fogbridge.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.Origin;
import io.fogbridge.api.config.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into a {@link ConfigNode} tree that keeps each value's line, using Jackson's streaming parser (its
 * token locations are the only place lines survive). Scalars keep their text as written: {@code 1GiB},
 * {@code 0.0.0.0}, {@code 1883} are all strings to the config types, which parse them.
 */
final class YamlTreeReader {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private YamlTreeReader() {}

    /**
     * @param source   the name errors use, such as the file name
     * @param problems receives duplicate keys (the first value is kept)
     * @throws ConfigException on a YAML syntax error, naming the line
     */
    static ConfigNode read(String text, String source, Problems problems) throws ConfigException {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new ConfigNode.Mapping(List.of(), new Origin(source, 1));
            }
            ConfigNode root = readValue(parser, source, problems, "");
            if (parser.nextToken() != null) {
                problems.add(origin(parser, source), "", "only one YAML document is allowed ('---' starts another)");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(syntaxError(e, text, source)));
        } catch (IOException e) {
            throw new ConfigException(List.of(source + ": cannot read: " + e));
        }
    }

    /** @param path the YAML path so far ({@code spool}, {@code routes[2]}), for duplicate-key messages */
    private static ConfigNode readValue(JsonParser parser, String source, Problems problems, String path)
            throws IOException {
        Origin origin = origin(parser, source);
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readMapping(parser, source, problems, origin, path);
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser, source, problems, path + "[" + items.size() + "]"));
                }
                yield new ConfigNode.Sequence(List.copyOf(items), origin);
            }
            case VALUE_NULL -> new ConfigNode.Scalar(null, origin);
            default -> new ConfigNode.Scalar(parser.getText(), origin);
        };
    }

    private static ConfigNode readMapping(
            JsonParser parser, String source, Problems problems, Origin origin, String path) throws IOException {
        List<ConfigNode.Entry> entries = new ArrayList<>();
        Map<String, Origin> seen = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Origin keyOrigin = origin(parser, source);
            String keyPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            ConfigNode value = readValue(parser, source, problems, keyPath);
            Origin earlier = seen.putIfAbsent(key, keyOrigin);
            if (earlier != null) {
                problems.add(keyOrigin, keyPath, "duplicate key (first set on line " + earlier.line() + ")");
            } else {
                entries.add(new ConfigNode.Entry(key, keyOrigin, value));
            }
        }
        return new ConfigNode.Mapping(List.copyOf(entries), origin);
    }

    private static Origin origin(JsonParser parser, String source) {
        JsonLocation location = parser.currentTokenLocation();
        return new Origin(source, location == null ? 0 : location.getLineNr());
    }

    /** The line and words of a syntax error: where its cause is, for SnakeYAML's errors ({@link YamlSyntaxError}). */
    private static String syntaxError(JsonProcessingException e, String text, String source) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked) {
                YamlSyntaxError error = YamlSyntaxError.of(marked, text);
                return new Origin(source, error.line()) + ": YAML syntax error: " + error.message();
            }
        }
        int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
        return new Origin(source, line) + ": YAML syntax error: " + firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed YAML";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}

package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 21: the common YAML breakages are reported at the line of their cause, in the user's words. */
class YamlSyntaxErrorTest {

    @Test
    void anUnclosedBracketAtTheEndOfTheFileNamesTheLineItOpenedOn() {
        assertThat(problems("""
                        gateway: {id: edge-1}
                        mqtt:
                          listeners: []
                        kafka:
                          bootstrapServers: [[[
                        """)).containsExactly("bad.yaml:5: YAML syntax error: '[' is never closed");
        assertThat(problems("kafka:\n  bootstrapServers: k:9092\nspool: {fsync: group\n\n"))
                .containsExactly("bad.yaml:3: YAML syntax error: '{' is never closed");
    }

    @Test
    void anUnclosedBracketBeforeTheNextKeyNamesTheLineItOpenedOnAndWhereTheParserStopped() {
        assertThat(problems("kafka:\n  bootstrapServers: [a, b\nspool:\n  fsync: group\n"))
                .containsExactly("bad.yaml:2: YAML syntax error: '[' is never closed (line 3: expected ',' or ']',"
                        + " but got :)");
    }

    @Test
    void anUnclosedQuoteNamesTheLineItOpenedOn() {
        for (String quote : List.of("\"", "'")) {
            assertThat(problems("kafka:\n  bootstrapServers: " + quote + "k:9092\nspool:\n  fsync: group\n"))
                    .containsExactly("bad.yaml:2: YAML syntax error: '" + quote + "' is never closed");
        }
    }

    @Test
    void quotesAndBracketsInsidePlainValuesCommentsAndClosedScalarsDoNotCount() {
        assertThat(YamlSyntaxError.Unclosed.find("""
                        a: don't [0]   # it's fine {
                        b: 'it''s' "a \\" b" [x, {y: z}]
                        c: |
                          "free text [
                        d: [1,
                            2]
                        """)).isNull();
        assertThat(YamlSyntaxError.Unclosed.find("a: ok\nb: [x, \"y\nz\"\n"))
                .isEqualTo(new YamlSyntaxError.Unclosed('[', 2));
    }

    @Test
    void aTabNamesItsLineAndSaysToIndentWithSpaces() {
        assertThat(problems("kafka:\n  bootstrapServers: k:9092\n\tspool: 1\n"))
                .containsExactly(
                        "bad.yaml:3: YAML syntax error: a tab indents this line; YAML indents with spaces" + " only");
    }

    @Test
    void aBadIndentNamesItsLine() {
        assertThat(problems("kafka:\n  bootstrapServers: k:9092\nspool:\n  fsync: group\n maxBytes: 1GiB\n"))
                .containsExactly("bad.yaml:5: YAML syntax error: the indentation of this line matches no key above it"
                        + " (keys of one mapping line up)");
        assertThat(problems("kafka:\n  bootstrapServers: k:9092\n    properties: {}\n"))
                .containsExactly("bad.yaml:3: YAML syntax error: a key is indented deeper than the key above it,"
                        + " which has a value already (or an unquoted value holds ': ': quote it)");
    }

    @Test
    void aDuplicateKeyNamesBothLines() {
        assertThat(problems("kafka:\n  bootstrapServers: k:9092\nspool:\n  fsync: group\n  fsync: always\n"))
                .containsExactly("bad.yaml:5: spool.fsync: duplicate key (first set on line 4)");
    }

    private static List<String> problems(String yaml) {
        try {
            ConfigLoader.load("bad.yaml", yaml, Map.of());
        } catch (ConfigException e) {
            return e.problems();
        }
        return fail("loaded without a problem:\n" + yaml);
    }
}

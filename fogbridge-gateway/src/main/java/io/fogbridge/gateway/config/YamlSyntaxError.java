package io.fogbridge.gateway.config;

import java.util.ArrayDeque;
import java.util.Deque;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Says where a YAML syntax error was caused, not only where the parser noticed it. SnakeYAML notices an unclosed
 * {@code [}, <code>{</code> or quote only at the end of the file (or at the next key), and reports that place; the
 * user wants the line where the construct opened. Its tab and indentation messages are put in the user's words.
 *
 * <p>Stateless; a pure function of the parser's exception and the text.
 */
record YamlSyntaxError(int line, String message) {

    /** @param text the whole YAML text the parser read */
    static YamlSyntaxError of(MarkedYAMLException e, String text) {
        Mark problem = e.getProblemMark();
        int problemLine = problem == null ? 0 : problem.getLine() + 1;
        String said = e.getProblem() == null ? "malformed YAML" : e.getProblem().strip();
        if (said.contains("(TAB)")) {
            return new YamlSyntaxError(problemLine, "a tab indents this line; YAML indents with spaces only");
        }
        if (said.startsWith("mapping values are not allowed here")) {
            return new YamlSyntaxError(
                    problemLine,
                    "a key is indented deeper than the key above it, which has a value already (or an unquoted value"
                            + " holds ': ': quote it)");
        }
        if (said.startsWith("expected <block end>")) {
            return new YamlSyntaxError(
                    problemLine, "the indentation of this line matches no key above it (keys of one mapping line up)");
        }
        Unclosed unclosed = Unclosed.find(text);
        boolean atEnd = problem == null
                || text.substring(Math.min(problem.getIndex(), text.length())).isBlank();
        if (unclosed != null && (atEnd || unclosed.line() < problemLine)) {
            return new YamlSyntaxError(
                    unclosed.line(),
                    "'" + unclosed.opener() + "' is never closed"
                            + (atEnd ? "" : " (line " + problemLine + ": " + said + ")"));
        }
        return new YamlSyntaxError(problemLine, withContext(e, said));
    }

    private static String withContext(MarkedYAMLException e, String said) {
        if (e.getContext() == null) {
            return said;
        }
        String context = " (" + e.getContext().strip();
        if (e.getContextMark() != null) {
            context += " that starts on line " + (e.getContextMark().getLine() + 1);
        }
        return said + context + ")";
    }

    /**
     * The first flow collection or quoted scalar still open at the end of the text. A light scan, not a parser: quotes
     * and brackets count where a token may start (so {@code don't} and {@code a[0]} in plain values do not), comments
     * and block scalars ({@code |}, {@code >}) are skipped.
     */
    record Unclosed(char opener, int line) {

        static Unclosed find(String text) {
            Deque<Unclosed> open = new ArrayDeque<>();
            String[] lines = text.split("\n", -1);
            int blockScalarIndent = -1;
            for (int n = 0; n < lines.length; n++) {
                String line = lines[n];
                int indent = indent(line);
                if (blockScalarIndent >= 0) {
                    if (line.isBlank() || indent > blockScalarIndent) {
                        continue;
                    }
                    blockScalarIndent = -1;
                }
                char previous = ' ';
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    Unclosed top = open.peek();
                    if (top != null && (top.opener() == '"' || top.opener() == '\'')) {
                        if (c == '\\' && top.opener() == '"') {
                            i++; // an escaped character, such as \"
                        } else if (c == top.opener()) {
                            if (c == '\'' && i + 1 < line.length() && line.charAt(i + 1) == '\'') {
                                i++; // '' is a quote inside a single-quoted scalar
                            } else {
                                open.pop();
                            }
                        }
                        previous = c;
                        continue;
                    }
                    boolean tokenStart = Character.isWhitespace(previous) || "[{,".indexOf(previous) >= 0;
                    if (c == '#' && Character.isWhitespace(previous)) {
                        break; // a comment
                    }
                    if (tokenStart && "[{\"'".indexOf(c) >= 0) {
                        open.push(new Unclosed(c, n + 1));
                    } else if ((c == ']' || c == '}') && top != null && top.opener() == (c == ']' ? '[' : '{')) {
                        open.pop();
                    }
                    previous = c;
                }
                if (open.isEmpty() && line.stripTrailing().matches(".*(^|\\s)[|>][-+0-9]*")) {
                    blockScalarIndent = indent;
                }
            }
            return open.isEmpty() ? null : open.peekLast();
        }

        private static int indent(String line) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            return i;
        }
    }
}

package io.fogbridge.gateway.config;

import java.util.List;

/**
 * The configuration cannot be used. Carries every problem found, each naming its origin, line and key, such as
 * {@code config.yaml:12: spool.fsync: expected 'group' or 'interval:<ms>', got 'sometimes'}. Not retriable: the file
 * or environment must be fixed.
 */
public final class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(
                problems.size() == 1
                        ? problems.getFirst()
                        : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in file order, environment problems last. */
    public List<String> problems() {
        return problems;
    }
}

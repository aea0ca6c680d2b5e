package io.fogbridge.api.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem found in one load, so the user sees all of them at once. Not thread-safe; one per load.
 */
public final class Problems {

    private record Problem(Origin origin, String key, String message) {
        String format() {
            return key == null || key.isEmpty() ? origin + ": " + message : origin + ": " + key + ": " + message;
        }
    }

    private final List<Problem> problems = new ArrayList<>();

    public void add(Origin origin, String key, String message) {
        problems.add(new Problem(origin, key, message));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public int size() {
        return problems.size();
    }

    /** File problems in line order, then those of the whole file, then environment problems; stable otherwise. */
    public List<String> formatted() {
        return problems.stream()
                .sorted(Comparator.comparing((Problem p) -> p.origin().fromEnv())
                        .thenComparingInt(
                                p -> p.origin().line() > 0 ? p.origin().line() : Integer.MAX_VALUE))
                .map(Problem::format)
                .toList();
    }
}

package io.fogbridge.api.config;

/**
 * Where a config value came from: a file line, or an environment variable.
 *
 * @param source the file name as given to the loader, or {@code env NAME}
 * @param line   1-based line in the file, or 0 when there is none (environment, defaults, whole-file problems)
 */
public record Origin(String source, int line) {

    public static Origin env(String variable) {
        return new Origin("env " + variable, 0);
    }

    public boolean fromEnv() {
        return source.startsWith("env ");
    }

    @Override
    public String toString() {
        // A variable holds one line (YAML flow syntax for maps and lists): its name says enough.
        return line > 0 && !fromEnv() ? source + ":" + line : source;
    }
}

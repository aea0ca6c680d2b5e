package io.fogbridge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options {@code bin/fogbridge run} passes on a given JDK: {@code bin/jvm/gateway.options}, plus
 * {@code gateway-jdk22.options} on JDK 22+ and {@code gateway-jdk25.options} on 25+, read from the checkout this
 * code runs in (found above the working directory). Benchmarks and memory tests start the gateway with these, so they
 * measure what the launcher runs. The files are Java argument files without quoted arguments: whitespace separates
 * options, and a word that starts with {@code #} starts a comment to the end of the line.
 */
public final class LauncherJvmOptions {

    private LauncherJvmOptions() {}

    /** The options of the three files that apply to JDK {@code feature}, in the launcher's order. */
    public static List<String> forJdk(int feature) {
        Path folder = folder();
        List<String> options = new ArrayList<>(read(folder.resolve("gateway.options")));
        if (feature >= 22) {
            options.addAll(read(folder.resolve("gateway-jdk22.options")));
        }
        if (feature >= 25) {
            options.addAll(read(folder.resolve("gateway-jdk25.options")));
        }
        return List.copyOf(options);
    }

    /** The options of an argument file's lines. */
    static List<String> parse(List<String> lines) {
        List<String> options = new ArrayList<>();
        for (String line : lines) {
            for (String word : line.strip().split("\\s+")) {
                if (word.startsWith("#")) {
                    break; // the rest of the line is a comment, as bin/fogbridge reads it
                }
                if (!word.isEmpty()) {
                    options.add(word);
                }
            }
        }
        return options;
    }

    private static List<String> read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the launcher's JVM options " + file, e);
        }
    }

    private static Path folder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin/jvm");
            if (Files.isRegularFile(candidate.resolve("gateway.options"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no bin/jvm/gateway.options above " + Path.of("").toAbsolutePath());
    }
}

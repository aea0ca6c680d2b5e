package io.fogbridge.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code curl} binary (a peer: fails on CI, skips elsewhere when missing) and returns
 * status, headers (names lower-cased) and body.
 */
public final class Curl {

    public record Result(int status, Map<String, String> headers, String body) {}

    private Curl() {}

    /**
     * @param args extra curl arguments (-u, -H …) before the URL
     */
    public static Result post(String url, byte[] body, String... args) throws IOException, InterruptedException {
        Path curl = TestEnv.peer("curl");
        Path dir = Files.createTempDirectory("curl");
        try {
            return post(curl, dir, url, body, args);
        } finally {
            // one directory per call: left behind, they pile up in /tmp build after build
            for (String file : List.of("in", "out", "headers")) {
                Files.deleteIfExists(dir.resolve(file));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Result post(Path curl, Path dir, String url, byte[] body, String... args)
            throws IOException, InterruptedException {
        Path in = Files.write(dir.resolve("in"), body);
        List<String> command = new ArrayList<>(List.of(
                curl.toString(),
                "-s",
                "-S",
                "-o",
                dir.resolve("out").toString(),
                "-D",
                dir.resolve("headers").toString(),
                "-w",
                "%{http_code}",
                "--max-time",
                "60",
                "-X",
                "POST",
                "--data-binary",
                "@" + in));
        command.addAll(List.of(args));
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(70, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("curl did not finish within 70 s: " + url);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new IllegalStateException("curl failed (exit " + process.exitValue() + "): " + output);
        }
        Map<String, String> headers = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("headers"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        String text = Files.exists(dir.resolve("out")) ? Files.readString(dir.resolve("out")) : "";
        return new Result(Integer.parseInt(output.substring(output.length() - 3)), headers, text);
    }
}

package io.fogbridge.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads a topic with the real {@code kcat} binary, a Kafka client outside the JVM, so integration
 * tests check what an independent consumer sees.
 *
 * <p>Runs {@code kcat -C -b <bootstrap> -t <topic> -o beginning -e} with an output format that
 * payload bytes cannot confuse: fields are separated by the ASCII unit separator, key and value
 * are framed by their lengths ({@code %K}, {@code %S}), and headers come from {@code %h}
 * ({@code name=value,name=value}). Header values containing {@code ,} are not split correctly;
 * the contract headers never contain one.
 *
 * <p>Needs {@code kcat} on PATH: {@link TestEnv#peer} fails or skips the test otherwise.
 */
public final class KcatConsumer {

    /** One record as kcat printed it. */
    public record Record(
            String topic, int partition, long offset, String key, Map<String, String> headers, byte[] value) {
        public String valueAsString() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    // Field separator unlikely in payloads; each record ends with a record separator line.
    private static final String FORMAT = "%t\\x1f%p\\x1f%o\\x1f%K\\x1f%k\\x1f%h\\x1f%S\\x1f%s\\x1e";

    private KcatConsumer() {}

    /** Every record of {@code topic} from the beginning to the current end, in partition then offset order. */
    public static List<Record> readAll(String bootstrap, String topic) {
        return readAll(bootstrap, topic, Duration.ofSeconds(30));
    }

    public static List<Record> readAll(String bootstrap, String topic, Duration timeout) {
        Path kcat = TestEnv.peer("kcat");
        ProcessBuilder pb = new ProcessBuilder(
                        kcat.toString(),
                        "-C",
                        "-b",
                        bootstrap,
                        "-t",
                        topic,
                        "-o",
                        "beginning",
                        "-e",
                        "-q",
                        "-f",
                        FORMAT)
                .redirectErrorStream(false);
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kcat did not finish within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kcat exited " + process.exitValue() + ": " + err);
            }
            return parse(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kcat", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kcat", e);
        }
    }

    /** Parses kcat output in {@link #FORMAT}; key and value lengths frame the bytes, so payloads may hold anything. */
    static List<Record> parse(byte[] out) {
        List<Record> records = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < out.length) {
            String topic = field(out, pos);
            int partition = Integer.parseInt(field(out, pos));
            long offset = Long.parseLong(field(out, pos));
            int keyLength = Integer.parseInt(field(out, pos));
            String key = keyLength < 0 ? null : new String(out, pos[0], keyLength, StandardCharsets.UTF_8);
            pos[0] += Math.max(0, keyLength) + 1;
            Map<String, String> headers = headers(field(out, pos));
            int valueLength = Integer.parseInt(field(out, pos));
            byte[] value = new byte[Math.max(0, valueLength)];
            System.arraycopy(out, pos[0], value, 0, value.length);
            pos[0] += value.length + 1; // value, then the 0x1e record separator
            records.add(new Record(topic, partition, offset, key, headers, value));
        }
        return records;
    }

    private static String field(byte[] out, int[] pos) {
        int start = pos[0];
        int end = start;
        while (end < out.length && out[end] != 0x1f) {
            end++;
        }
        pos[0] = end + 1;
        return new String(out, start, end - start, StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(String printed) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (printed.isEmpty()) {
            return headers;
        }
        for (String pair : printed.split(",")) {
            int eq = pair.indexOf('=');
            headers.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return headers;
    }
}

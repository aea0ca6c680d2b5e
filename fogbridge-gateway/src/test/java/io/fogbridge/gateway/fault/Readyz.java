package io.fogbridge.gateway.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer of a gateway's {@code /readyz}, fetched over real HTTP.
 *
 * <p>The tests check what the answer says, never how fast it comes: on the 2-core CI box, beside another fork's
 * flood or kill test, one answer once took over 5 s (PoisonTopicIT, stop 41), so the wait is long. Plain HTTP/1.1:
 * no h2c upgrade offer the ops server would only ignore.
 */
public record Readyz(int status, String body) {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT)
            .build();
    private static final Pattern SPOOL_RECORDS = Pattern.compile("spool: open, (\\d+) records");

    public static Readyz fetch(int httpPort) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Readyz(response.statusCode(), response.body());
    }

    /** The gateway as a whole is ready (HTTP 200), whatever its components' warnings. */
    public boolean ready() {
        return status == 200 && body.startsWith("ready");
    }

    /** The line of one component ({@code [WARN] kafka: not connected …}), or "" if absent. */
    public String line(String component) {
        for (String line : body.split("\n")) {
            if (line.matches("\\[\\w+]\\s+" + Pattern.quote(component) + ": .*")) {
                return line;
            }
        }
        return "";
    }

    /** Records the spool reports waiting, or -1 if the body does not say. */
    public long spoolBacklog() {
        Matcher m = SPOOL_RECORDS.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}

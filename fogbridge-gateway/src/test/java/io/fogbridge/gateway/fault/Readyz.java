package io.fogbridge.gateway.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One answer of a gateway's {@code /readyz}, fetched over real HTTP. */
public record Readyz(int status, String body) {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SPOOL_RECORDS = Pattern.compile("spool: open, (\\d+) records");

    public static Readyz fetch(int httpPort) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                        .timeout(Duration.ofSeconds(5))
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

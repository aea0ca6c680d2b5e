package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.Html.text;

import io.fogbridge.gateway.ops.ReadinessCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The console's HTML, rendered on the server. A page is a shell whose live part an htmx fragment replaces every
 * {@value #POLL_SECONDS} seconds; the overview's charts fetch their columns as often from {@code console.js}, so an
 * open page makes at most one request a second. No inline script and no external URL: the Content-Security-Policy
 * allows scripts from the gateway only, and the plant network has no internet. Every value that is not a literal
 * here goes through {@link Html#text}. Stateless.
 */
final class ConsolePages {

    static final int POLL_SECONDS = 2;

    private ConsolePages() {}

    static String login(String nonce, boolean refused) {
        return page("Log in", null, null, """
                <article>
                  <h2>Fogbridge console</h2>
                  %s
                  <form method="post" action="/console/login">
                    <input type="hidden" name="csrf" value="%s">
                    <label>Gateway token (<code>http.token</code>)
                      <input type="password" name="token" id="token" autocomplete="current-password" required>
                    </label>
                    <button type="submit" id="login">Log in</button>
                  </form>
                </article>
                """.formatted(
                        refused ? "<p id=\"refused\" role=\"alert\">Wrong token.</p>" : "", text(nonce)));
    }

    static String overview(String csrf, boolean logout) {
        return page("Overview", "overview", logout ? csrf : null, """
                <section id="live" hx-get="/console/overview/live" hx-trigger="load, every %ds" hx-swap="innerHTML">
                  <p aria-busy="true">Loading…</p>
                </section>
                <section id="charts" data-source="/console/overview/chart"></section>
                """.formatted(POLL_SECONDS));
    }

    static String overviewLive(GatewayFacts facts, Instant now) {
        StringBuilder html = new StringBuilder("<div class=\"grid\"><article><h3>Gateway</h3><dl>");
        term(html, "id", facts.id());
        term(html, "version", facts.version());
        term(html, "uptime", duration(Duration.between(facts.started(), now)));
        facts.labels().forEach((key, value) -> term(html, "label " + key, value));
        html.append("</dl></article><article><h3>Uplink</h3><dl>");
        term(html, "forwarder", facts.forwarder().get());
        double age = facts.oldestAgeSeconds().getAsDouble();
        term(
                html,
                "oldest record waiting",
                Double.isNaN(age) ? "none" : duration(Duration.ofMillis((long) (age * 1000))));
        html.append("</dl></article></div><article><h3>Readiness</h3><table id=\"readiness\"><tbody>");
        for (Map.Entry<String, ReadinessCheck.Status> check :
                facts.readiness().get().entrySet()) {
            ReadinessCheck.Status status = check.getValue();
            String word = !status.ready() ? "not ready" : status.degraded() ? "warning" : "ok";
            html.append("<tr><th>")
                    .append(text(check.getKey()))
                    .append("</th><td>")
                    .append(word)
                    .append("</td><td>")
                    .append(text(status.detail()))
                    .append("</td></tr>");
        }
        return html.append("</tbody></table></article>").toString();
    }

    /** The chart columns as JSON numbers only: nothing a device sent. */
    static String chartJson(ChartHistory.Columns columns) {
        StringBuilder json = new StringBuilder("{\"time\":[");
        for (int i = 0; i < columns.time().length; i++) {
            json.append(i > 0 ? "," : "").append(columns.time()[i]);
        }
        json.append("]");
        series(json, "received", columns.receivedPerSecond());
        series(json, "kafka", columns.kafkaPerSecond());
        series(json, "backlog", columns.backlog());
        return json.append("}").toString();
    }

    private static void series(StringBuilder json, String name, double[] values) {
        json.append(",\"").append(name).append("\":[");
        for (int i = 0; i < values.length; i++) {
            json.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.2f", values[i]));
        }
        json.append("]");
    }

    static void term(StringBuilder html, String name, String value) {
        html.append("<dt>")
                .append(text(name))
                .append("</dt><dd>")
                .append(text(value))
                .append("</dd>");
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86_400) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }

    /** @param logoutCsrf the session's CSRF token when a logout button is shown; null = no button */
    static String page(String title, String active, String logoutCsrf, String main) {
        StringBuilder nav = new StringBuilder();
        if (active != null) {
            nav.append("<nav><ul><li><strong>Fogbridge</strong></li></ul><ul>");
            link(nav, "overview", "/console", "Overview", active);
            link(nav, "devices", "/console/devices", "Devices", active);
            link(nav, "routes", "/console/routes", "Routes", active);
            link(nav, "commands", "/console/commands", "Commands", active);
            link(nav, "spool", "/console/spool", "Spool", active);
            link(nav, "converters", "/console/converters", "Converters", active);
            link(nav, "pending", "/console/pending", "Pending", active);
            if (logoutCsrf != null) {
                nav.append("<li><form method=\"post\" action=\"/console/logout\"><input type=\"hidden\" name=\"csrf\""
                                + " value=\"")
                        .append(text(logoutCsrf))
                        .append("\"><button type=\"submit\" class=\"secondary\" id=\"logout\">Log out</button></form>"
                                + "</li>");
            }
            nav.append("</ul></nav>");
        }
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>
                <title>%s · Fogbridge</title>
                <link rel="icon" href="data:,">
                <link rel="stylesheet" href="/console/static/pico.css">
                <link rel="stylesheet" href="/console/static/uplot.css">
                <link rel="stylesheet" href="/console/static/console.css">
                <script src="/console/static/htmx.js" defer></script>
                <script src="/console/static/uplot.js" defer></script>
                <script src="/console/static/console.js" defer></script>
                </head>
                <body><header class="container">%s</header><main class="container">%s</main></body>
                </html>
                """.formatted(text(title), nav, main);
    }

    private static void link(StringBuilder nav, String name, String href, String label, String active) {
        nav.append("<li><a href=\"")
                .append(href)
                .append("\"")
                .append(name.equals(active) ? " aria-current=\"page\"" : "")
                .append(">")
                .append(label)
                .append("</a></li>");
    }
}

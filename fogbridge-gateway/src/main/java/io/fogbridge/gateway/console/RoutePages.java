package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.Html.text;

import io.fogbridge.api.DeviceId;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.pipeline.Route;
import io.fogbridge.pipeline.RouteDecision;
import io.fogbridge.pipeline.RouteTable;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The routes page: every route in the order the pipeline tries them, with its hit counter ({@code
 * fogbridge.pipeline.ingested{route}}) and the unrouted count, and a tester that asks the same {@link RouteTable} the
 * pipeline uses which route a topic would take, with which Kafka topic and key, without sending anything. Stateless.
 */
final class RoutePages {

    private RoutePages() {}

    static String page(String csrf, boolean logout) {
        return ConsolePages.page("Routes", "routes", logout ? csrf : null, """
                <article><h3>Test a topic</h3>
                <form id="route-test" hx-get="/console/routes/test" hx-target="#route-answer"
                  hx-trigger="submit, input changed delay:300ms">
                  <fieldset class="grid">
                    <input name="topic" id="test-topic" placeholder="MQTT topic, e.g. telemetry/acme/lathe-1"
                      aria-label="topic" required>
                    <input name="sender" id="test-sender" placeholder="sent by device@tenant (empty: anonymous)"
                      aria-label="sender">
                    <button type="submit" id="test-route">Test</button>
                  </fieldset>
                </form>
                <div id="route-answer" aria-live="polite"></div>
                </article>
                <section id="routes" hx-get="/console/routes/live" hx-trigger="load, every %ds" hx-swap="innerHTML">
                  <p aria-busy="true">Loading…</p>
                </section>
                """.formatted(ConsolePages.POLL_SECONDS));
    }

    static String live(RouteTable table, ToDoubleFunction<String> hits, DoubleSupplier unrouted) {
        StringBuilder html = new StringBuilder(
                "<table id=\"route-table\"><thead><tr><th>#</th><th>route</th><th>from</th><th>to</th><th>key</th>"
                        + "<th>lane</th><th>records</th></tr></thead><tbody>");
        int n = 0;
        for (Route route : table.routes()) {
            html.append("<tr data-route=\"")
                    .append(text(route.name()))
                    .append("\"><td>")
                    .append(++n)
                    .append("</td><td>")
                    .append(text(route.name()))
                    .append("</td><td><code>")
                    .append(text(route.from().text()))
                    .append("</code></td><td><code>")
                    .append(text(route.to().text()))
                    .append("</code></td><td><code>")
                    .append(route.key() == null ? "device id" : text(route.key().text()))
                    .append("</code></td><td>")
                    .append(route.lane().name().toLowerCase(Locale.ROOT))
                    .append("</td><td class=\"hits\">")
                    .append((long) hits.applyAsDouble(route.name()))
                    .append("</td></tr>");
        }
        return html.append("</tbody></table><p>Unrouted (stayed at the edge): <strong id=\"unrouted\">")
                .append((long) unrouted.getAsDouble())
                .append("</strong></p>")
                .toString();
    }

    /** The tester's answer for one topic; {@code sender} is {@code device@tenant} or blank. */
    static String test(RouteTable table, String topic, String sender) {
        if (topic == null || topic.isBlank()) {
            return "";
        }
        DeviceRef ref = sender == null || sender.isBlank()
                ? DeviceRef.anonymous("console")
                : DeviceId.parseLogin(sender.strip())
                        .map(id -> new DeviceRef(id.tenant(), id.device(), id.device()))
                        .orElse(null);
        if (ref == null) {
            return "<p id=\"route-result\">The sender must be written device@tenant.</p>";
        }
        StringBuilder html =
                new StringBuilder("<table id=\"route-result\"><thead><tr><th>topic</th><th>route</th><th>Kafka topic"
                        + "</th><th>key</th></tr></thead><tbody><tr><td><code>");
        html.append(text(topic)).append("</code></td>");
        decisionCells(html, table.decide(DevicePages.probe(topic, ref)));
        return html.append("</tr></tbody></table>").toString();
    }

    /** Three cells: route, Kafka topic, key; or one cell spanning them saying why it stays or is refused. */
    static void decisionCells(StringBuilder html, RouteDecision decision) {
        switch (decision) {
            case RouteDecision.Forward f ->
                html.append("<td class=\"route\">")
                        .append(text(f.route().name()))
                        .append("</td><td class=\"kafka-topic\"><code>")
                        .append(text(f.topic()))
                        .append("</code></td><td class=\"kafka-key\"><code>")
                        .append(text(f.key()))
                        .append("</code></td>");
            case RouteDecision.Stay s ->
                html.append("<td class=\"route\" colspan=\"3\">no route: stays at the edge</td>");
            case RouteDecision.Refuse r ->
                html.append("<td class=\"route\" colspan=\"3\">refused: ")
                        .append(text(r.reason()))
                        .append("</td>");
        }
    }
}

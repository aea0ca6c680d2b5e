package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.ConsolePages.term;
import static io.fogbridge.gateway.console.DevicePages.ago;
import static io.fogbridge.gateway.console.Html.text;

import io.fogbridge.api.SpoolStats;
import io.fogbridge.spool.ParkedRecords;
import java.time.Instant;
import java.util.List;

/**
 * The spool page: the backlog from the spool's own counters (live), what Kafka refused for good (parked, per topic
 * with the reason), and the {@code spool inspect} report (segments, lanes, committed position, sizes, damage),
 * refreshed in the background. Parked records are replayed with {@code fogbridge spool replay-parked} while the
 * gateway is stopped; the page says so rather than offering a button. Stateless.
 */
final class SpoolPages {

    private SpoolPages() {}

    static String page(String csrf, boolean logout) {
        return ConsolePages.page("Spool", "spool", logout ? csrf : null, """
                <section id="spool" hx-get="/console/spool/live" hx-trigger="load, every %ds" hx-swap="innerHTML">
                  <p aria-busy="true">Loading…</p>
                </section>
                """.formatted(ConsolePages.POLL_SECONDS));
    }

    static String live(
            SpoolStats stats,
            long parkedRecords,
            long parkedBytes,
            List<ParkedRecords.TopicSummary> parked,
            SpoolReport.Report report,
            Instant now) {
        StringBuilder html = new StringBuilder("<div class=\"grid\"><article><h3>Backlog</h3><dl id=\"backlog\">");
        term(html, "records waiting", Long.toString(stats.records()));
        term(html, "bytes on disk", Long.toString(stats.bytes()));
        term(html, "oldest record waiting", stats.oldestArrival() < 0 ? "none" : ago(stats.oldestArrival(), now));
        term(html, "appended since start", Long.toString(stats.appended()));
        term(html, "committed since start", Long.toString(stats.committed()));
        stats.drops().forEach((reason, n) -> term(html, "dropped (" + reason + ")", Long.toString(n)));
        html.append("</dl></article><article><h3>Parked</h3><p id=\"parked\">")
                .append(parkedRecords)
                .append(" records (")
                .append(parkedBytes)
                .append(" bytes) refused by Kafka for good.</p>");
        if (!parked.isEmpty()) {
            html.append("<table><thead><tr><th>topic</th><th>records</th><th>reason</th></tr></thead><tbody>");
            for (ParkedRecords.TopicSummary topic : parked) {
                html.append("<tr><td>")
                        .append(text(topic.topic()))
                        .append("</td><td>")
                        .append(topic.records())
                        .append("</td><td>")
                        .append(text(topic.reason()))
                        .append("</td></tr>");
            }
            html.append("</tbody></table><p><small>Fix the cause, stop the gateway, run <code>fogbridge spool"
                    + " replay-parked &lt;dataDir&gt;/spool</code>, start it again.</small></p>");
        }
        html.append("</article></div><article><h3>Inspect</h3>");
        if (report.atMillis() == 0) {
            html.append("<p aria-busy=\"true\">Reading the segments…</p>");
        } else {
            html.append("<p><small>")
                    .append(report.damaged() ? "<strong>damage found</strong> · " : "")
                    .append("as of ")
                    .append(ago(report.atMillis(), now))
                    .append("</small></p><pre id=\"inspect\" class=\"report\">")
                    .append(text(report.text()))
                    .append("</pre>");
        }
        return html.append("</article>").toString();
    }
}

package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.DevicePages.ago;
import static io.fogbridge.gateway.console.Html.text;

import io.fogbridge.api.Headers;
import io.fogbridge.gateway.console.DeviceActivity.Seen;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The converters page: each Modbus device and OPC UA endpoint the gateway polls or subscribes to, with the state its
 * last {@code .../status} event gave (connected, lost with the reason), when that changed and when data last came;
 * and the converters' own figures (poll lateness, missed polls, seconds since the last OPC UA data), which their
 * meters keep per converter, not per endpoint. Stateless.
 */
final class ConverterPages {

    private static final List<String> PROTOCOLS = List.of("modbus", "opcua");

    private ConverterPages() {}

    static String page(String csrf, boolean logout) {
        return ConsolePages.page(
                "Converters", "converters", logout ? csrf : null, """
                <section id="converters" hx-get="/console/converters/live" hx-trigger="load, every %ds"
                  hx-swap="innerHTML"><p aria-busy="true">Loading…</p></section>
                """.formatted(ConsolePages.POLL_SECONDS));
    }

    static String live(List<Seen> seen, Map<String, String> figures, Instant now) {
        List<Seen> endpoints = seen.stream()
                .filter(s -> PROTOCOLS.contains(s.protocol()))
                .sorted(Comparator.comparing((Seen s) -> s.tenant() == null ? "" : s.tenant())
                        .thenComparing(s -> s.device() == null ? s.clientId() : s.device()))
                .toList();
        StringBuilder html = new StringBuilder();
        if (endpoints.isEmpty()) {
            html.append("<p id=\"no-converters\">No Modbus device or OPC UA endpoint has reported yet"
                    + " (<code>adapters.modbus</code>, <code>adapters.opcua</code>).</p>");
        } else {
            html.append("<table id=\"converter-table\"><thead><tr><th>device</th><th>protocol</th><th>source</th>"
                    + "<th>state</th><th>since</th><th>last error</th><th>last data</th><th>msgs/min</th></tr>"
                    + "</thead><tbody>");
            for (Seen s : endpoints) {
                html.append("<tr><td>")
                        .append(text(s.device()))
                        .append("@")
                        .append(text(s.tenant()))
                        .append("</td><td>")
                        .append(text(s.protocol()))
                        .append("</td><td><code>")
                        .append(text(s.lastHeaders().get(Headers.SOURCE)))
                        .append("</code></td><td class=\"state\">")
                        .append(s.link().name().toLowerCase(java.util.Locale.ROOT))
                        .append("</td><td>")
                        .append(ago(s.linkSinceMillis(), now))
                        .append("</td><td>")
                        .append(text(s.linkReason()))
                        .append("</td><td>")
                        .append(ago(s.lastSeenMillis(), now))
                        .append("</td><td>")
                        .append(s.messagesLastMinute())
                        .append("</td></tr>");
            }
            html.append("</tbody></table>");
        }
        if (!figures.isEmpty()) {
            html.append("<article><h3>Converter figures</h3><dl id=\"converter-figures\">");
            figures.forEach((name, value) -> ConsolePages.term(html, name, value));
            html.append("</dl></article>");
        }
        return html.toString();
    }
}

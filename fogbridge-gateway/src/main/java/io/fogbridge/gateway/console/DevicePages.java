package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.ConsolePages.duration;
import static io.fogbridge.gateway.console.ConsolePages.page;
import static io.fogbridge.gateway.console.Html.query;
import static io.fogbridge.gateway.console.Html.text;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Topics;
import io.fogbridge.command.CommandRouter;
import io.fogbridge.gateway.console.DeviceActivity.Recent;
import io.fogbridge.pipeline.RouteTable;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The devices list (with its filters) and one device's page: its link state, last headers, a sparkline per numeric
 * field, recent messages, the commands waiting for it and where its topics go. Everything a device chose goes through {@link Html#text}, in links
 * through {@link Html#query}. Stateless.
 */
final class DevicePages {

    /** On the device page the whole kept prefix is shown: one device, not a list. */
    static final int PAYLOAD_SHOWN_ONE = 2048;

    private DevicePages() {}

    static String list(String csrf, boolean logout, Collection<String> tenants, DeviceFilter filter) {
        StringBuilder form = new StringBuilder(
                "<form id=\"filters\" role=\"search\" hx-get=\"/console/devices/live\" hx-target=\"#devices\""
                        + " hx-trigger=\"input changed delay:300ms, change\"><fieldset class=\"grid\">"
                        + "<select name=\"tenant\" id=\"filter-tenant\" aria-label=\"tenant\">"
                        + "<option value=\"\">every tenant</option>");
        for (String tenant : tenants) {
            option(form, tenant, filter.tenant());
        }
        form.append("</select><select name=\"state\" id=\"filter-state\" aria-label=\"state\">"
                + "<option value=\"\">every state</option>");
        DeviceRow.STATES.forEach(state -> option(form, state, filter.state()));
        form.append("</select><input type=\"search\" name=\"q\" id=\"filter-text\" placeholder=\"id, topic, protocol\""
                        + " aria-label=\"search\" value=\"")
                .append(text(filter.text()))
                .append("\"><input type=\"search\" name=\"label\" id=\"filter-label\" placeholder=\"label key=value\""
                        + " aria-label=\"label\" value=\"")
                .append(text(filter.label()))
                .append("\"></fieldset></form>");
        return page("Devices", "devices", logout ? csrf : null, form + """
                <section id="devices" hx-get="/console/devices/live" hx-include="#filters" hx-trigger="load, every %ds"
                  hx-swap="innerHTML"><p aria-busy="true">Loading…</p></section>
                """.formatted(ConsolePages.POLL_SECONDS));
    }

    private static void option(StringBuilder html, String value, String selected) {
        html.append("<option value=\"")
                .append(text(value))
                .append(value.equals(selected) ? "\" selected>" : "\">")
                .append(text(value))
                .append("</option>");
    }

    static String listLive(List<DeviceRow> rows, DeviceFilter filter, Instant now) {
        StringBuilder html = new StringBuilder(
                "<div class=\"overflow-auto\"><table id=\"device-table\"><thead><tr><th>tenant</th><th>device</th>"
                        + "<th>state</th><th>last seen</th><th>protocol</th><th>msgs/min</th><th>bytes/min</th>"
                        + "<th>suppressed</th><th>last topic</th><th>last payload</th></tr></thead><tbody>");
        int shown = 0;
        for (DeviceRow row : rows) {
            if (!row.matches(filter, now)) {
                continue;
            }
            shown++;
            var seen = row.seen();
            html.append("<tr data-device=\"")
                    .append(text(row.name()))
                    .append("\"><td>")
                    .append(text(row.tenant()))
                    .append("</td><td><a href=\"/console/device?tenant=")
                    .append(query(row.tenant()))
                    .append("&amp;id=")
                    .append(query(row.name()))
                    .append("\">")
                    .append(text(row.name()))
                    .append("</a>")
                    .append(row.registered() ? "" : " <small>(not registered)</small>");
            labels(html, row.labels());
            html.append("</td><td class=\"state\">")
                    .append(row.state(now))
                    .append("</td><td>")
                    .append(ago(row.lastSeenMillis(), now))
                    .append("</td><td>")
                    .append(seen == null ? "" : text(seen.protocol()))
                    .append("</td><td>")
                    .append(seen == null ? 0 : seen.messagesLastMinute())
                    .append("</td><td>")
                    .append(seen == null ? 0 : seen.bytesLastMinute())
                    .append("</td><td class=\"suppressed\">")
                    .append(seen == null ? 0 : seen.suppressed())
                    .append("</td><td>")
                    .append(seen == null ? "" : text(seen.lastTopic()))
                    .append("</td><td><pre class=\"payload\">")
                    .append(seen == null ? "" : text(Html.payload(seen.lastPayload(), DeviceRow.PAYLOAD_SHOWN)))
                    .append("</pre></td></tr>");
        }
        if (shown == 0) {
            html.append("<tr><td colspan=\"10\">")
                    .append(rows.isEmpty() ? "No device registered or seen yet." : "No device matches the filters.")
                    .append("</td></tr>");
        }
        return html.append("</tbody></table></div><p><small id=\"device-count\">")
                .append(shown)
                .append(" of ")
                .append(rows.size())
                .append(" devices</small></p>")
                .toString();
    }

    /** A device's labels as small {@code key=value} tags; nothing when it has none. */
    private static void labels(StringBuilder html, Map<String, String> labels) {
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(label -> html.append(
                        " <small class=\"label\">")
                .append(text(label.getKey()))
                .append('=')
                .append(text(label.getValue()))
                .append("</small>"));
    }

    static String device(String csrf, boolean logout, String tenant, String id) {
        String source = "/console/device/live?tenant=" + query(tenant) + "&amp;id=" + query(id);
        return page(id, "devices", logout ? csrf : null, """
                <hgroup><h2 id="device-name">%s</h2><p>tenant %s</p></hgroup>
                <section id="device" hx-get="%s" hx-trigger="load, every %ds" hx-swap="innerHTML">
                  <p aria-busy="true">Loading…</p>
                </section>
                """.formatted(
                        text(id), text(tenant), source, ConsolePages.POLL_SECONDS));
    }

    /**
     * @param row     the device, or null when neither the registry nor the activity knows it
     * @param pending the commands waiting for it; null when commands are off
     */
    static String deviceLive(
            DeviceRow row, List<CommandRouter.Waiting> pending, RouteTable routes, String tenant, Instant now) {
        if (row == null) {
            return "<p id=\"unknown\">No such device: not registered, and nothing seen from it.</p>";
        }
        var seen = row.seen();
        StringBuilder html = new StringBuilder("<div class=\"grid\"><article><h3>State</h3><dl>");
        ConsolePages.term(html, "state", row.state(now));
        if (seen != null && seen.linkSinceMillis() > 0) {
            ConsolePages.term(
                    html,
                    seen.link() == DeviceActivity.Link.CONNECTED ? "connected since" : "disconnected since",
                    ago(seen.linkSinceMillis(), now));
        }
        if (seen != null && seen.linkReason() != null) {
            ConsolePages.term(html, "last error", seen.linkReason());
        }
        ConsolePages.term(html, "last seen", ago(row.lastSeenMillis(), now));
        ConsolePages.term(html, "registered", row.registered() ? "yes" : "no");
        if (!row.labels().isEmpty()) {
            html.append("<dt>labels</dt><dd id=\"labels\">");
            labels(html, row.labels());
            html.append("</dd>");
        }
        if (seen != null) {
            ConsolePages.term(html, "protocol", seen.protocol());
            ConsolePages.term(html, "client id", seen.clientId());
            ConsolePages.term(html, "messages, last minute", Long.toString(seen.messagesLastMinute()));
            ConsolePages.term(html, "bytes, last minute", Long.toString(seen.bytesLastMinute()));
            ConsolePages.term(html, "suppressed by the reduction", Long.toString(seen.suppressed()));
        }
        html.append("</dl></article><article><h3>Last headers</h3><dl id=\"headers\">");
        if (seen != null) {
            seen.lastHeaders().forEach((name, value) -> ConsolePages.term(html, name, value));
        }
        html.append("</dl></article></div>");
        if (seen != null) {
            Sparklines.render(html, Sparklines.of(seen.recent()));
        }
        routesOf(html, row, routes, tenant);
        pending(html, pending, now);
        html.append("<article><h3>Recent messages</h3><div id=\"recent\">");
        if (seen == null || seen.recent().isEmpty()) {
            html.append("<p>Nothing received since the gateway started.</p>");
        } else {
            for (Recent recent : seen.recent()) {
                html.append("<details open><summary>")
                        .append(ago(recent.atMillis(), now))
                        .append(" · <code>")
                        .append(text(recent.topic()))
                        .append("</code> · ")
                        .append(recent.payload().length)
                        .append(" bytes kept</summary><pre class=\"payload\">")
                        .append(text(Html.payload(recent.payload(), PAYLOAD_SHOWN_ONE)))
                        .append("</pre></details>");
            }
        }
        return html.append("</div></article>").toString();
    }

    /** Where this device's topics go: each topic it used lately, or its telemetry and event topics. */
    private static void routesOf(StringBuilder html, DeviceRow row, RouteTable routes, String tenant) {
        DeviceRef sender =
                row.registered() ? new DeviceRef(tenant, row.name(), row.name()) : DeviceRef.anonymous(row.name());
        Set<String> topics = new LinkedHashSet<>();
        if (row.seen() != null) {
            row.seen().recent().forEach(r -> topics.add(r.topic()));
        }
        if (topics.isEmpty() && row.registered()) {
            topics.add(Topics.deviceTelemetryTopic(tenant, row.name()));
            topics.add(Topics.deviceEventTopic(tenant, row.name()));
        }
        html.append("<article><h3>Routes</h3><table id=\"device-routes\"><thead><tr><th>topic</th><th>route</th>"
                + "<th>Kafka topic</th><th>key</th></tr></thead><tbody>");
        for (String topic : topics) {
            html.append("<tr><td><code>").append(text(topic)).append("</code></td>");
            RoutePages.decisionCells(html, routes.decide(probe(topic, sender)));
            html.append("</tr>");
        }
        html.append("</tbody></table></article>");
    }

    /** A message that is never sent: what the route table would decide for this topic and sender. */
    static InboundMessage probe(String topic, DeviceRef sender) {
        return new InboundMessage(topic, new byte[0], QoS.AT_LEAST_ONCE, sender, null, 0, false, Map.of());
    }

    private static void pending(StringBuilder html, List<CommandRouter.Waiting> pending, Instant now) {
        html.append("<article><h3>Pending commands</h3>");
        if (pending == null) {
            html.append("<p>Commands are off (<code>commands.enabled: false</code>).</p></article>");
            return;
        }
        if (pending.isEmpty()) {
            html.append("<p id=\"no-pending\">None waiting.</p></article>");
            return;
        }
        html.append("<table id=\"pending\"><thead><tr><th>subject</th><th>correlation id</th><th>waiting</th>"
                + "<th>expires in</th><th>bytes</th></tr></thead><tbody>");
        for (CommandRouter.Waiting command : pending) {
            html.append("<tr><td>")
                    .append(text(command.name()))
                    .append("</td><td>")
                    .append(text(command.correlationId()))
                    .append("</td><td>")
                    .append(ago(command.createdAt(), now))
                    .append("</td><td>")
                    .append(duration(Duration.ofMillis(command.deadline() - now.toEpochMilli())))
                    .append("</td><td>")
                    .append(command.payloadBytes())
                    .append("</td></tr>");
        }
        html.append("</tbody></table></article>");
    }

    static String ago(long millis, Instant now) {
        return millis == 0 ? "never" : duration(Duration.between(Instant.ofEpochMilli(millis), now)) + " ago";
    }
}

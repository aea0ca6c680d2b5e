package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.DevicePages.ago;
import static io.fogbridge.gateway.console.Html.text;

import java.time.Instant;
import java.util.List;

/**
 * The commands page: a form that sends a command through the gateway's command router (CSRF token in the form), and
 * the commands sent from the console with their state and the device's response. Stateless.
 */
final class CommandPages {

    private CommandPages() {}

    /** @param notice a line to show above the form (the outcome of the last send), or null */
    static String page(String csrf, boolean logout, boolean enabled, String notice) {
        if (!enabled) {
            return ConsolePages.page("Commands", "commands", logout ? csrf : null, """
                    <p id="commands-off">Commands are off on this gateway (<code>commands.enabled: false</code>).</p>
                    """);
        }
        return ConsolePages.page("Commands", "commands", logout ? csrf : null, """
                %s
                <article><h3>Send a command</h3>
                <form method="post" action="/console/commands" id="send-command">
                  <input type="hidden" name="csrf" value="%s">
                  <fieldset class="grid">
                    <input name="device" id="command-device" placeholder="device@tenant" aria-label="device" required>
                    <input name="subject" id="command-subject" placeholder="subject, e.g. open" aria-label="subject"
                      required>
                    <input name="ttl" id="command-ttl" type="number" min="1" max="86400" value="30"
                      aria-label="ttl in seconds">
                  </fieldset>
                  <textarea name="payload" id="command-payload" rows="3" placeholder='payload, e.g. {"valve":1}'
                    aria-label="payload"></textarea>
                  <button type="submit" id="send">Send</button>
                </form>
                <p><small>Delivered through the same router as commands from Kafka; the response record's
                <code>correlation-id</code> starts with <code>console-</code>.</small></p>
                </article>
                <section id="commands" hx-get="/console/commands/live" hx-trigger="load, every %ds" hx-swap="innerHTML">
                  <p aria-busy="true">Loading…</p>
                </section>
                """.formatted(
                        notice == null ? "" : "<p id=\"notice\" role=\"status\">" + text(notice) + "</p>",
                        text(csrf),
                        ConsolePages.POLL_SECONDS));
    }

    static String live(List<ConsoleCommands.Sent> sent, Instant now) {
        if (sent.isEmpty()) {
            return "<p>No command sent from the console since the gateway started.</p>";
        }
        StringBuilder html = new StringBuilder("<table id=\"sent-commands\"><thead><tr><th>sent</th><th>device</th>"
                + "<th>subject</th><th>correlation id</th><th>state</th><th>response</th></tr></thead><tbody>");
        for (ConsoleCommands.Sent s : sent) {
            String state = s.state().equals("pending") && now.toEpochMilli() > s.deadline() ? "expiring" : s.state();
            html.append("<tr data-correlation=\"")
                    .append(text(s.correlationId()))
                    .append("\"><td>")
                    .append(ago(s.sentAt(), now))
                    .append("</td><td>")
                    .append(text(s.device()))
                    .append("@")
                    .append(text(s.tenant()))
                    .append("</td><td>")
                    .append(text(s.subject()))
                    .append("</td><td><code>")
                    .append(text(s.correlationId()))
                    .append("</code></td><td class=\"state\">")
                    .append(text(state))
                    .append("</td><td class=\"response\">");
            if (s.responseStatus() != null) {
                html.append("<strong>")
                        .append(text(s.responseStatus()))
                        .append("</strong><pre class=\"payload\">")
                        .append(text(Html.payload(s.responsePayload(), 512)))
                        .append("</pre>");
            }
            html.append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }
}

package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.ConsolePages.duration;
import static io.fogbridge.gateway.console.Html.text;

import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.discovery.ScheduledScans.Round;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The pending page: what waits for a person's approval. Certificate devices plug-and-play onboarding holds pending
 * (tenant, certificate subject, first and last connection, and the command that admits one), with the publishes of
 * pending devices dropped at the edge (one gateway-wide count: the MQTT path counts them, not per device); and the
 * devices the gateway's own scheduled scans proposed (scan, endpoint, the Device name the operator gives the proposal,
 * and how to approve it), with each scan's latest round and why it failed. Approving is done outside the console, where
 * the credentials are: the page names the command. Stateless.
 */
final class PendingPages {

    private PendingPages() {}

    static String page(String csrf, boolean logout) {
        return ConsolePages.page("Pending", "pending", logout ? csrf : null, """
                <section id="pending" hx-get="/console/pending/live" hx-trigger="load, every %ds"
                  hx-swap="innerHTML"><p aria-busy="true">Loading…</p></section>
                """.formatted(ConsolePages.POLL_SECONDS));
    }

    /**
     * @param dropped   publishes and wills of pending devices dropped since start, all devices together
     * @param unlisted  newcomers held pending but not listed because the onboarding list was full
     * @param gatewayId {@code <namespace>.<name>} when the operator rendered the gateway: gives the namespace of its
     *                  Devices
     */
    static String live(
            List<Newcomer> newcomers,
            double dropped,
            long unlisted,
            List<Round> rounds,
            String gatewayId,
            Instant now) {
        StringBuilder html = new StringBuilder("<h3>Certificate devices awaiting approval</h3>");
        List<Newcomer> pending = newcomers.stream().filter(n -> !n.admitted()).toList();
        if (pending.isEmpty()) {
            html.append("<p id=\"no-newcomers\">No certificate device is held pending (onboarding: a tenant's"
                    + " <code>trustedCa</code> with <code>onboarding</code> in the registry).</p>");
        } else {
            html.append("<table id=\"newcomer-table\"><thead><tr><th>device</th><th>tenant</th><th>certificate</th>"
                    + "<th>first seen</th><th>last seen</th><th>approve with</th></tr></thead><tbody>");
            for (Newcomer n : pending) {
                html.append("<tr><td>")
                        .append(text(n.id()))
                        .append("</td><td>")
                        .append(text(n.tenant()))
                        .append("</td><td><code>")
                        .append(text(n.subject()))
                        .append("</code></td><td>")
                        .append(ago(n.firstSeen(), now))
                        .append("</td><td>")
                        .append(ago(n.lastSeen(), now))
                        .append("</td><td><code>fogbridge device approve ")
                        .append(text(n.name()))
                        .append("</code><br><small>with Kubernetes: <code>fogbridge device approve ")
                        .append(text(n.id()))
                        .append(" --kubernetes")
                        .append(text(namespaceOption(gatewayId)))
                        .append("</code></small></td></tr>");
            }
            html.append("</tbody></table>");
        }
        html.append("<p id=\"pending-dropped\">Publishes of pending devices dropped at the edge since start (all"
                        + " devices): <strong>")
                .append(String.format(Locale.ROOT, "%.0f", dropped))
                .append("</strong>");
        if (unlisted > 0) {
            html.append("; ").append(unlisted).append(" more pending devices not listed (the list is full)");
        }
        html.append("</p>");
        discovery(html, rounds, gatewayId, now);
        return html.toString();
    }

    private static void discovery(StringBuilder html, List<Round> rounds, String gatewayId, Instant now) {
        html.append("<h3>Proposed by this gateway's scans</h3>");
        if (rounds.isEmpty()) {
            html.append("<p id=\"no-scans\">No scan has run (<code>discovery</code> in gateway.yaml).</p>");
            return;
        }
        html.append("<table id=\"scan-table\"><thead><tr><th>scan</th><th>last round</th><th>took</th>"
                + "<th>result</th></tr></thead><tbody>");
        for (Round round : rounds) {
            html.append("<tr><td>")
                    .append(text(round.scan().describe()))
                    .append("</td><td>")
                    .append(ago(round.at(), now))
                    .append("</td><td>")
                    .append(round.took().toMillis())
                    .append(" ms</td><td>")
                    .append(
                            round.failure() == null
                                    ? round.found().size() + " found, proposed to fog.twin."
                                            + text(round.scan().tenant())
                                    : "failed: " + text(round.failure()))
                    .append("</td></tr>");
        }
        html.append("</tbody></table>");
        List<Round> found = rounds.stream().filter(r -> !r.found().isEmpty()).toList();
        if (found.isEmpty()) {
            return;
        }
        html.append("<table id=\"proposal-table\"><thead><tr><th>Device</th><th>tenant</th><th>endpoint</th>"
                + "<th>scan</th><th>approve with</th></tr></thead><tbody>");
        for (Round round : found) {
            for (ProposedDevice device : round.found()) {
                html.append("<tr><td>")
                        .append(text(device.name()))
                        .append("</td><td>")
                        .append(text(round.scan().tenant()))
                        .append("</td><td><code>")
                        .append(text(device.endpoint()))
                        .append("</code></td><td>")
                        .append(text(round.scan().name()))
                        .append("</td><td><code>kubectl")
                        .append(text(namespaceOption(gatewayId)))
                        .append(" patch fdev ")
                        .append(text(device.name()))
                        .append(" --type merge -p '{\"spec\":{\"approved\":true}}'</code></td></tr>");
            }
        }
        html.append("</tbody></table><p><small>Proposals are pending Devices (<code>spec.approved: false</code>) once"
                + " the operator has read them; a Device approved or written by hand is never changed by a"
                + " rescan.</small></p>");
    }

    /** {@code " -n plant-1"} for a gateway the operator rendered ({@code gateway.id} {@code plant-1.lathe}), else "". */
    private static String namespaceOption(String gatewayId) {
        int dot = gatewayId.indexOf('.');
        return dot > 0 ? " -n " + gatewayId.substring(0, dot) : "";
    }

    private static String ago(Instant at, Instant now) {
        return duration(Duration.between(at, now)) + " ago";
    }
}

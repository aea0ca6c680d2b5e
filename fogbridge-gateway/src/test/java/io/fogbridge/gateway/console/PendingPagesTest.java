package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.config.DiscoveryScan;
import io.fogbridge.gateway.discovery.ScheduledScans.Round;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pending page: newcomers with the command that admits them, scan proposals, all shown as text. */
class PendingPagesTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:10:00Z");
    private static final DiscoveryScan SCAN =
            new DiscoveryScan("plc-scan", "modbus", "acme", List.of("10.0.0.0/30"), Duration.ofMinutes(10));

    @Test
    void aPendingNewcomerIsListedWithItsApprovalCommandAndAnAdmittedOneIsNot() {
        Newcomer pending = new Newcomer(
                "acme",
                "sensor-9",
                "CN=sensor-9,O=<script>x</script>",
                "CN=acme CA",
                false,
                NOW.minusSeconds(600),
                NOW.minusSeconds(5));
        Newcomer admitted = new Newcomer("acme", "sensor-10", "CN=sensor-10,O=acme", "CN=acme CA", true, NOW, NOW);
        String html = PendingPages.live(List.of(pending, admitted), 7, 0, List.of(), "plant-1.lathe", NOW);

        assertThat(html)
                .contains("<td>sensor-9</td><td>acme</td>")
                .contains("10 min 0 s ago", "5 s ago")
                .contains("fogbridge device approve sensor-9@acme")
                .contains("fogbridge device approve sensor-9 --kubernetes -n plant-1")
                .contains("<strong>7</strong>")
                .contains("No scan has run")
                .doesNotContain("sensor-10")
                .doesNotContain("<script>")
                .contains("&lt;script&gt;");
    }

    @Test
    void aScansProposalsAndAFailedScanAreShown() {
        ProposedDevice plc = new ProposedDevice("modbus", "modbus://10.0.0.1:502/1", Map.of(), List.of());
        Round found = new Round(SCAN, NOW.minusSeconds(30), Duration.ofMillis(420), List.of(plc), null);
        DiscoveryScan other =
                new DiscoveryScan("ua", "opcua", "acme", List.of("opc.tcp://h:4840"), Duration.ofHours(1));
        Round failed = new Round(other, NOW.minusSeconds(3), Duration.ofSeconds(10), List.of(), "no answer in time");
        String html = PendingPages.live(List.of(), 0, 0, List.of(found, failed), "edge-1", NOW);

        assertThat(html)
                .contains("No certificate device is held pending")
                .contains("plc-scan (modbus 10.0.0.0/30)", "30 s ago", "420 ms", "1 found, proposed to fog.twin.acme")
                .contains("failed: no answer in time")
                .contains("<td>" + plc.name() + "</td><td>acme</td><td><code>modbus://10.0.0.1:502/1</code>")
                .contains("kubectl patch fdev " + plc.name() + " --type merge");
    }
}

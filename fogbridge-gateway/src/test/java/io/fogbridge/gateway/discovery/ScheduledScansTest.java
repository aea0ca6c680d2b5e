package io.fogbridge.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.discovery.FieldScanner;
import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.config.DiscoveryScan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schedule of the gateway's field scans, with a stepped clock and a scanner that answers as told. */
class ScheduledScansTest {

    private static final ProposedDevice PLC = new ProposedDevice(
            "modbus", "modbus://10.0.0.7:502/1", Map.of("host", "10.0.0.7", "port", 502), List.of("a note"));

    private Instant now = Instant.parse("2026-12-04T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> published = new ArrayList<>();
    private boolean fail;

    private final FieldScanner scanner = new FieldScanner() {
        @Override
        public String protocol() {
            return "modbus";
        }

        @Override
        public String usage() {
            return "";
        }

        @Override
        public List<ProposedDevice> scan(List<String> args, PrintStream progress) throws Exception {
            if (fail) {
                throw new IOException("network is unreachable");
            }
            return List.of(PLC);
        }
    };

    @Test
    void eachScanRunsAtStartThenEveryIntervalAndAFailedRoundIsCountedAndRetriedNextRound() {
        DiscoveryScan fast = new DiscoveryScan("fast", "modbus", "acme", List.of("10.0.0.0/30"), Duration.ofMinutes(1));
        DiscoveryScan slow = new DiscoveryScan("slow", "modbus", "acme", List.of("10.0.1.0/30"), Duration.ofMinutes(5));
        ScheduledScans scans = new ScheduledScans(
                List.of(fast, slow),
                protocol -> scanner,
                (scan, found) -> found.forEach(d -> published.add(scan.name() + " " + d.name())),
                clock,
                registry);

        assertThat(scans.runDue()).isEqualTo(Duration.ofMinutes(1));
        assertThat(published).containsExactly("fast " + PLC.name(), "slow " + PLC.name());

        now = now.plusSeconds(30);
        assertThat(scans.runDue()).as("nothing due yet").isEqualTo(Duration.ofSeconds(30));
        assertThat(published).hasSize(2);

        now = now.plusSeconds(30);
        fail = true;
        assertThat(scans.runDue()).isEqualTo(Duration.ofMinutes(1));
        assertThat(published).as("a failed round publishes nothing").hasSize(2);
        assertThat(scans.latest().getFirst().failure()).isEqualTo("network is unreachable");
        assertThat(registry.get("fogbridge.discovery.scans")
                        .tag("scan", "fast")
                        .tag("result", "failed")
                        .counter()
                        .count())
                .isEqualTo(1);

        now = now.plusSeconds(60);
        fail = false;
        scans.runDue();
        assertThat(published).as("retried at its next round").hasSize(3).last().isEqualTo("fast " + PLC.name());
        assertThat(registry.get("fogbridge.discovery.proposals")
                        .tag("scan", "fast")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(scans.latest()).extracting(r -> r.scan().name()).containsExactly("fast", "slow");
    }

    @Test
    void aRoundWhoseProposalsWereNotPublishedFails() {
        DiscoveryScan scan = new DiscoveryScan("s", "modbus", "acme", List.of("10.0.0.1"), Duration.ofMinutes(1));
        ScheduledScans scans = new ScheduledScans(
                List.of(scan),
                protocol -> scanner,
                (s, found) -> {
                    throw new java.util.concurrent.TimeoutException();
                },
                clock,
                registry);
        scans.runDue();
        assertThat(scans.latest().getFirst().failure()).isEqualTo("no answer in time");
        assertThat(scans.latest().getFirst().found()).isEmpty();
    }

    @Test
    void aProposalRecordCarriesTheDeviceAndNotItsName() throws Exception {
        byte[] json = ProposalRecords.toJson(new ProposalRecords.Report("plant-1.lathe", "acme", "s", now, PLC));
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(PLC.name());
        assertThat(ProposalRecords.isProposal(json)).isTrue();
        assertThat(ProposalRecords.isProposal("{\"newcomer\":{}}".getBytes())).isFalse();
        ProposalRecords.Report back = ProposalRecords.fromJson(json);
        assertThat(back.gateway()).isEqualTo("plant-1.lathe");
        assertThat(back.device()).isEqualTo(PLC);
        assertThat(back.device().name()).isEqualTo(PLC.name());
        assertThat(ProposalRecords.key(PLC)).isEqualTo("discovered/" + PLC.name());
    }
}

package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpooledRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParkedRecordsTest {
    @TempDir
    Path dir;

    private static SpooledRecord record(Lane lane, long seq, String text) {
        return new SpooledRecord(lane, seq, 1_700_000_000_123L, envelope(lane, text));
    }

    private Path file() {
        return dir.resolve(ParkedRecords.DIR).resolve(ParkedRecords.FILE);
    }

    @Test
    void parkedRecordsSurviveReopenWithEveryField() throws Exception {
        try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 1 << 20)) {
            assertThat(p.park(List.of(record(Lane.BULK, 7, "a"), record(Lane.PRIORITY, 3, "b")), "UnknownTopic", 42))
                    .isZero();
            assertThat(p.records()).isEqualTo(2);
        }
        try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 1 << 20)) {
            assertThat(p.records()).isEqualTo(2);
            assertThat(p.tornBytes()).isZero();
            assertThat(p.byTopic())
                    .containsExactly(new ParkedRecords.TopicSummary("fog.telemetry.t1", 2, "UnknownTopic"));
        }
        List<ParkedRecords.Entry> back = ParkedRecords.read(dir);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).parkedAt()).isEqualTo(42);
        assertThat(back.get(0).reason()).isEqualTo("UnknownTopic");
        SpooledRecord r = back.get(1).record();
        assertThat(r.lane()).isEqualTo(Lane.PRIORITY);
        assertThat(r.sequence()).isEqualTo(3);
        assertThat(r.arrivalTime()).isEqualTo(1_700_000_000_123L);
        assertThat(r.envelope().topic()).isEqualTo("fog.telemetry.t1");
        assertThat(r.envelope().key()).isEqualTo("dev-1");
        assertThat(r.envelope().headers()).containsEntry("device_id", "dev-1");
        assertThat(Fixtures.text(r)).isEqualTo("b");
    }

    @Test
    void aTornTailFromACrashWhileParkingIsCutAndTheEntriesBeforeItKept() throws Exception {
        try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 1 << 20)) {
            p.park(List.of(record(Lane.BULK, 1, "one")), "r", 1);
        }
        long good = Files.size(file());
        byte[] next = ParkedRecords.encode(record(Lane.BULK, 2, "two"), "r", 2);
        for (int cut : new int[] {1, ParkedRecords.PREFIX, next.length - 1}) {
            Files.write(file(), java.util.Arrays.copyOf(next, cut), StandardOpenOption.APPEND);
            assertThat(ParkedRecords.damagedTail(dir)).isEqualTo(cut);
            try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 1 << 20)) {
                assertThat(p.tornBytes()).as("cut at %d", cut).isEqualTo(cut);
                assertThat(p.records()).isEqualTo(1);
            }
            assertThat(Files.size(file())).isEqualTo(good);
        }
    }

    @Test
    void aDamagedLastEntryIsCutNotReplayedAsGarbage() throws Exception {
        try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 1 << 20)) {
            p.park(List.of(record(Lane.BULK, 1, "one")), "r", 1);
            p.park(List.of(record(Lane.BULK, 2, "two")), "r", 2);
        }
        SegmentedSpoolTest.flip(file(), (int) Files.size(file()) - 2); // in the payload of "two"
        try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 1 << 20)) {
            assertThat(p.records()).isEqualTo(1);
            assertThat(p.tornBytes()).isPositive();
        }
        assertThat(ParkedRecords.read(dir))
                .extracting(e -> Fixtures.text(e.record()))
                .containsExactly("one");
    }

    @Test
    void aFailedWriteLeavesNothingHalfParked() throws Exception {
        FaultyDisk disk = new FaultyDisk(1);
        try (ParkedRecords p = ParkedRecords.open(dir, disk, 1 << 20)) {
            p.park(List.of(record(Lane.BULK, 1, "one")), "r", 1);
            long before = Files.size(file());
            disk.failNext(FaultyDisk.Op.FORCE, 1);
            assertThatThrownBy(() -> p.park(List.of(record(Lane.BULK, 2, "two")), "r", 2))
                    .isInstanceOf(IOException.class);
            assertThat(Files.size(file())).isEqualTo(before);
            assertThat(p.records()).isEqualTo(1);
            p.park(List.of(record(Lane.BULK, 3, "three")), "r", 3);
        }
        assertThat(ParkedRecords.read(dir))
                .extracting(e -> Fixtures.text(e.record()))
                .containsExactly("one", "three");
    }

    @Test
    void atItsBoundItRefusesAndSaysHowMany() throws Exception {
        try (ParkedRecords p = ParkedRecords.open(dir, SpoolDisk.PLAIN, 200)) {
            int refused =
                    p.park(List.of(record(Lane.BULK, 1, "x".repeat(60)), record(Lane.BULK, 2, "y".repeat(60))), "r", 1);
            assertThat(refused).isEqualTo(1);
            assertThat(p.records()).isEqualTo(1);
            assertThat(p.bytes()).isLessThanOrEqualTo(200);
        }
    }

    @Test
    void replayAppendsParkedRecordsToTheirLanesOnceAndEmptiesTheParkingArea() throws Exception {
        try (SegmentedSpool spool =
                SegmentedSpool.open(SpoolOptions.builder(dir).build())) {
            spool.append(envelope(Lane.BULK, "before")).get(5, TimeUnit.SECONDS);
            SpooledRecord poisoned = Fixtures.drain(spool.cursor(), 1).getFirst();
            assertThat(spool.cursor().park(List.of(poisoned), "UnknownTopicOrPartitionException: nosuch"))
                    .isZero();
            spool.cursor().commit(Lane.BULK, poisoned.sequence());
        }
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        assertThat(SpoolInspector.inspect(dir, new PrintStream(report, true, StandardCharsets.UTF_8)))
                .isEqualTo(SpoolInspector.OK);
        assertThat(report.toString(StandardCharsets.UTF_8))
                .contains("parked: 1 records")
                .contains("fog.telemetry.t1  1 records")
                .contains("UnknownTopicOrPartitionException: nosuch");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ParkedReplay.replay(dir, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isEqualTo(ParkedReplay.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replayed 1 of 1");
        assertThat(ParkedReplay.replay(dir, new PrintStream(new ByteArrayOutputStream())))
                .as("a second run finds nothing")
                .isEqualTo(ParkedReplay.OK);
        assertThat(ParkedRecords.read(dir)).isEmpty();
        try (SegmentedSpool spool =
                SegmentedSpool.open(SpoolOptions.builder(dir).build())) {
            List<SpooledRecord> again = Fixtures.drainAll(spool.cursor());
            assertThat(again).extracting(Fixtures::text).containsExactly("before");
            assertThat(spool.parked().records()).isZero();
        }
    }

    @Test
    void replayRefusesWhileTheGatewayHoldsTheSpool() throws Exception {
        try (SegmentedSpool spool =
                SegmentedSpool.open(SpoolOptions.builder(dir).build())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ParkedReplay.replay(dir, new PrintStream(out, true, StandardCharsets.UTF_8)))
                    .isEqualTo(ParkedReplay.FAILED);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("stop it first");
        }
    }
}

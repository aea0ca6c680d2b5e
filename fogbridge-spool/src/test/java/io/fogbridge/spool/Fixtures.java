package io.fogbridge.spool;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Shared helpers for the spool tests. */
final class Fixtures {
    private Fixtures() {}

    static Envelope envelope(Lane lane, String text) {
        return new Envelope(
                "fog.telemetry.t1",
                "dev-1",
                Map.of("device_id", "dev-1"),
                text.getBytes(StandardCharsets.UTF_8),
                1_700_000_000_000L,
                QoS.AT_LEAST_ONCE,
                lane);
    }

    static String text(SpooledRecord r) {
        return new String(r.envelope().payload(), StandardCharsets.UTF_8);
    }

    /** Polls until {@code n} records arrived or a poll came back empty after waiting. */
    static List<SpooledRecord> drain(SpoolCursor cursor, int n) throws InterruptedException {
        List<SpooledRecord> all = new ArrayList<>();
        while (all.size() < n) {
            List<SpooledRecord> got = cursor.poll(n - all.size(), 2000);
            if (got.isEmpty()) {
                break;
            }
            all.addAll(got);
        }
        return all;
    }

    /** Everything readable now (short waits). */
    static List<SpooledRecord> drainAll(SpoolCursor cursor) throws InterruptedException {
        List<SpooledRecord> all = new ArrayList<>();
        while (true) {
            List<SpooledRecord> got = cursor.poll(10_000, 50);
            if (got.isEmpty()) {
                return all;
            }
            all.addAll(got);
        }
    }

    static List<Path> segments(Path spoolDir, Lane lane) throws IOException {
        try (Stream<Path> s = Files.list(spoolDir.resolve(lane.id()))) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }
}

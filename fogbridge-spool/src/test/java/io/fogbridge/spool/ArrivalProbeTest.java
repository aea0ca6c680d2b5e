package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Lane;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrivalProbeTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** 200 records, sequence i arriving at T0 + 10 * i; the index holds every 64th. */
    private SegmentFile segmentOf200() throws Exception {
        SegmentFile seg = SegmentFile.create(dir, Lane.BULK, 0);
        for (int i = 0; i < 200; i++) {
            byte[] record = RecordFormat.encode(envelope(Lane.BULK, "r" + i), T0 + 10L * i);
            RecordFormat.seal(record, i);
            seg.noteRecord(i, seg.size, T0 + 10L * i);
            seg.write(ByteBuffer.wrap(record));
        }
        return seg;
    }

    @Test
    void readsTheExactArrivalBetweenIndexEntries() throws Exception {
        SegmentFile seg = segmentOf200();
        ArrivalProbe probe = ArrivalProbe.of(seg, 150, seg.size);
        // the index entry at or before 150 is 128: the probe must scan on from there
        assertThat(probe.indexSeq()).isEqualTo(128);
        assertThat(probe.indexArrival()).isEqualTo(T0 + 1280);
        assertThat(probe.read()).isEqualTo(T0 + 1500);
        assertThat(ArrivalProbe.of(seg, 0, seg.size).read()).isEqualTo(T0);
        assertThat(ArrivalProbe.of(seg, 199, seg.size).read()).isEqualTo(T0 + 1990);
        seg.close();
    }

    @Test
    void aDeletedSegmentYieldsTheIndexEntrysTime() throws Exception {
        SegmentFile seg = segmentOf200();
        ArrivalProbe probe = ArrivalProbe.of(seg, 150, seg.size);
        seg.delete();
        assertThat(probe.read()).isEqualTo(T0 + 1280);
    }
}

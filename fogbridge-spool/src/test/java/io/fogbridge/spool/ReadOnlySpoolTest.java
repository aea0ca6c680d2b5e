package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.drainAll;
import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.testkit.ReadOnlyMount;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spool whose directory became read-only (an SD card the kernel remounted read-only) opens to forward its backlog. */
class ReadOnlySpoolTest {
    @TempDir
    Path tmp;

    private ReadOnlyMount mount;

    @BeforeEach
    void mount() throws Exception {
        mount = ReadOnlyMount.create(tmp, 16);
    }

    @AfterEach
    void unmount() throws Exception {
        mount.close();
    }

    private SpoolOptions options() {
        return SpoolOptions.builder(mount.dir().resolve("spool")).build();
    }

    @Test
    void aReadOnlyDirectoryOpensReadOnlyForwardsItsBacklogAndRefusesNewData() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options())) {
            for (int i = 0; i < 5; i++) {
                spool.append(envelope(Lane.BULK, "b" + i)).get(5, TimeUnit.SECONDS);
            }
            spool.append(envelope(Lane.PRIORITY, "p0")).get(5, TimeUnit.SECONDS);
            spool.cursor().commit(Lane.BULK, 1); // b0 and b1 reached Kafka
        }
        mount.makeReadOnly();

        try (SegmentedSpool spool = SegmentedSpool.open(options())) {
            assertThat(spool.readOnly()).isTrue();
            List<SpooledRecord> backlog = drainAll(spool.cursor());
            assertThat(backlog).extracting(Fixtures::text).containsExactly("p0", "b2", "b3", "b4");
            assertThat(backlog.get(1).sequence()).isEqualTo(2);

            spool.cursor().commit(Lane.BULK, 4); // kept in memory: the directory cannot take it
            assertThat(spool.cursor().committed(Lane.BULK)).isEqualTo(4);
            assertThat(spool.stats().records()).isEqualTo(1); // p0 is not committed yet

            assertThatThrownBy(() -> spool.append(envelope(Lane.BULK, "new")).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SpoolException.Io.class)
                    .hasMessageContaining("spool: data dir is read-only");
        }

        // nothing could be written, so a second read-only start forwards the same backlog again
        try (SegmentedSpool spool = SegmentedSpool.open(options())) {
            assertThat(drainAll(spool.cursor())).extracting(Fixtures::text).containsExactly("p0", "b2", "b3", "b4");
        }
    }
}

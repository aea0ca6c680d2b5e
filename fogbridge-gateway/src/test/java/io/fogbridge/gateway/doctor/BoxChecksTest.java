package io.fogbridge.gateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoxChecksTest {

    @TempDir
    Path dir;

    @Test
    void memoryFailsBelowWhatARunningGatewayHoldsAndWarnsOnASmallBoard() throws Exception {
        assertThat(BoxChecks.memory(meminfo(4_000_000, 230_000)).level())
                .as("230 MB available: below a gateway's steady state")
                .isEqualTo(Finding.Level.FAIL);
        assertThat(BoxChecks.memory(meminfo(1_000_000, 600_000)).level())
                .as("a 1 GB board")
                .isEqualTo(Finding.Level.WARN);
        assertThat(BoxChecks.memory(meminfo(4_000_000, 2_000_000)).level()).isEqualTo(Finding.Level.OK);
        assertThat(BoxChecks.memory(dir.resolve("absent")).level()).isEqualTo(Finding.Level.WARN);
    }

    /** A {@code /proc/meminfo} with the two lines the check reads, in KiB. */
    private Path meminfo(long totalKiB, long availableKiB) throws Exception {
        return Files.writeString(
                dir.resolve("meminfo"),
                "MemTotal:       " + totalKiB + " kB\nMemFree:          1000 kB\nMemAvailable:   " + availableKiB
                        + " kB\n");
    }
}

package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The memory tests run the gateway with the launcher's JVM options: this keeps their copy and bin/fogbridge equal. */
class LauncherOptionsTest {

    @Test
    void theFloodTestRunsWithTheLaunchersOptions() throws Exception {
        // the script's code only: its comments name the options too, and would satisfy the check without them
        String launcher = Files.readAllLines(launcher()).stream()
                .filter(line -> !line.strip().startsWith("#"))
                .collect(Collectors.joining("\n"));
        // JDK 25's list: those of 21 and 22-24 are it without the options of later JDKs, so this covers them all
        for (String option : CoapFloodIT.launcherOptions(25)) {
            if (!option.startsWith("--enable-native-access")) { // added by the launcher on JDK 22+ only
                assertThat(launcher).as("bin/fogbridge passes %s", option).contains(option);
            }
        }
    }

    private static Path launcher() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin/fogbridge");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no bin/fogbridge above " + Path.of("").toAbsolutePath());
    }
}

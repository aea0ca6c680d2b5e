package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example configs under {@code config/examples/} load with the gateway's own loader (no problem, the values
 * their comments promise), and the JVM options the Raspberry Pi profile recommends start this JDK.
 */
class ExampleConfigsTest {

    private static final Pattern JAVA_OPTS = Pattern.compile("FOGBRIDGE_JAVA_OPTS=\"([^\"]+)\"");

    @Test
    void theRaspberryPiProfileLoads() throws Exception {
        GatewayConfig config = ConfigLoader.load(examples().resolve("raspberry-pi.yaml"), Map.of());

        assertThat(config.spool().segmentBytes()).isEqualTo(16L << 20);
        assertThat(config.spool().maxBytes()).isEqualTo(2L << 30);
        assertThat(config.spool().fsync()).hasToString("group");
        assertThat(config.kafka().maxInFlight()).isEqualTo(2);
        assertThat(config.kafka().properties()).containsEntry("buffer.memory", "8388608");
        assertThat(config.devices().maxPayload()).isEqualTo(64L << 10);
    }

    @Test
    void everyExampleLoads() throws Exception {
        try (var files = Files.list(examples())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                assertThat(ConfigLoader.load(file, Map.of()))
                        .as(file.toString())
                        .isNotNull();
            }
        }
    }

    @Test
    void theRaspberryPiJvmOptionsStartThisJdk() throws Exception {
        Matcher m = JAVA_OPTS.matcher(Files.readString(examples().resolve("raspberry-pi.yaml")));
        assertThat(m.find()).as("a FOGBRIDGE_JAVA_OPTS line").isTrue();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(m.group(1).split(" ")));
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(java.getInputStream().readAllBytes());
        assertThat(java.exitValue()).as(out).isZero();
        assertThat(out).as("no option warned about").doesNotContainIgnoringCase("warning");
    }

    private static Path examples() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("config/examples");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no config/examples above " + Path.of("").toAbsolutePath());
    }
}

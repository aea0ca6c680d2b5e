package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final String HEADING = "## Configuration reference\n";
    private static final String INTRO =
            "Generated from the key definitions (`bin/fogbridge config reference` prints the same table).\n\n";

    /**
     * The README's reference is what {@code config reference} prints, character for character: a key added to a
     * section, a changed default or doc, or a hand edit of the README fails here. Regenerate the README section with
     * {@code bin/fogbridge config reference}.
     */
    @Test
    void readmeSectionIsWhatConfigReferencePrints() throws IOException {
        String readme = Files.readString(readme());
        int start = readme.indexOf(HEADING);
        assertThat(start).as("README has a '%s' section", HEADING.strip()).isNotNegative();
        int end = readme.indexOf("\n## ", start + HEADING.length());
        String section = readme.substring(start + HEADING.length(), end < 0 ? readme.length() : end);
        // The gateway's tests register a fake adapter (adapters.fake, AdapterFactoryPluginTest); the README documents
        // what the distribution registers.
        List<ConfigKey<?>> shipped = ConfigReference.rows().stream()
                .filter(key -> !key.path().startsWith("adapters.fake."))
                .toList();
        assertThat(section.strip()).isEqualTo((INTRO + ConfigReference.markdown(shipped)).strip());
    }

    private static Path readme() {
        // Surefire runs in the module's folder; the README is the repository's.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("README.md");
            }
        }
        throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
    }

    @Test
    void rowsShowTypeDefaultEnvAndDoc() {
        String markdown = ConfigReference.markdown();
        for (ConfigKey<?> key : ConfigReference.rows()) {
            assertThat(key.doc()).as(key.path()).isNotBlank();
        }
        assertThat(markdown)
                .contains("| `spool.fsync` | 'group' or 'interval:<ms>' | `group` | `FOGBRIDGE_SPOOL_FSYNC` |")
                .contains("| `devices.maxPayload` | size (1000, 64KiB, 256MiB, 1GiB) | `256KiB` |")
                .contains("| `kafka.bootstrapServers` | host:port[,host:port…] | required |")
                .contains("| `routes[].lane` | priority \\| bulk | `bulk` | — |")
                .contains(
                        "| `mqtt.external.clientId` | name of [A-Za-z0-9._-], up to 64 characters | `fogbridge-` + `gateway.id` |")
                .contains("| `mqtt.listeners` | list of {host, port} | `[{host: 0.0.0.0, port: 1883}]` |");
    }

    @Test
    void rowsHaveFiveCells() {
        ConfigReference.markdown().lines().filter(l -> l.startsWith("| `")).forEach(line -> assertThat(
                        line.replace("\\|", "").chars().filter(c -> c == '|').count())
                .as(line)
                .isEqualTo(6));
    }
}

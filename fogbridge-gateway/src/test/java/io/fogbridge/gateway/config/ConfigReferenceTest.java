package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.config.ConfigKey;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    @Test
    void everyKeyHasARowWithTypeDefaultEnvAndDoc() {
        String markdown = ConfigReference.markdown();
        for (ConfigKey<?> key : ConfigReference.rows()) {
            assertThat(markdown).contains("| `" + key.path() + "` |");
            assertThat(key.doc()).isNotBlank();
        }
        assertThat(markdown)
                .contains("| `spool.fsync` | 'group' or 'interval:<ms>' | `group` | `FOGBRIDGE_SPOOL_FSYNC` |")
                .contains("| `mqtt.maxPayload` | size (1000, 64KiB, 256MiB, 1GiB) | `256KiB` |")
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

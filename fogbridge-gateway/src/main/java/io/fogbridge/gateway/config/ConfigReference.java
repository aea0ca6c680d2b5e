package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import java.util.List;

/** The configuration reference for the README, generated from {@link ConfigSections} so it cannot drift. */
public final class ConfigReference {

    private ConfigReference() {}

    /** A Markdown section: the syntax notes, then one table row per key (list item keys after their list). */
    public static String markdown() {
        return markdown(rows());
    }

    /** As {@link #markdown()}, for the given rows (a test leaves out what only its own class path registers). */
    static String markdown(List<ConfigKey<?>> rows) {
        StringBuilder out = new StringBuilder();
        out.append("Sizes: a number of bytes (`1000`) or a number with a unit: `KiB`, `MiB`, `GiB`, `TiB` (powers of"
                + " 1024) or `KB`, `MB`, `GB`, `TB` (powers of 1000). Durations: `500ms`, `10s`, `5m`, `12h`, `7d`,"
                + " or `0`.\n\n");
        out.append("Every key can be overridden by an environment variable: `FOGBRIDGE_` and the path in upper case"
                + " with dots as underscores (`FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS`); maps and lists take YAML flow"
                + " syntax (`FOGBRIDGE_GATEWAY_LABELS='{site: plant-1}'`). `fogbridge config check <file>` reports"
                + " every problem with its line.\n\n");
        out.append("| Key | Type | Default | Environment | Description |\n");
        out.append("|---|---|---|---|---|\n");
        for (ConfigKey<?> key : rows) {
            out.append("| `")
                    .append(key.path())
                    .append("` | ")
                    .append(cell(key.typeDoc()))
                    .append(" | ")
                    .append(cell(key.defaultDoc()))
                    .append(" | ")
                    .append(key.envName() == null ? "—" : "`" + key.envName() + "`")
                    .append(" | ")
                    .append(cell(key.doc()))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** Top-level keys, each list followed by its item keys. */
    static List<ConfigKey<?>> rows() {
        return ConfigSections.rows();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}

package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI a gateway starts with ({@code run} alone) reads like the full one. */
class MainTest {

    @Test
    void runAloneHasTheSameUsageAsRunInTheFullCli() {
        assertThat(usage(Main.runOnly().getSubcommands().get("run")))
                .isEqualTo(usage(Main.commandLine().getSubcommands().get("run")))
                .contains("Usage: fogbridge run")
                .contains("--config");
    }

    @Test
    void runAloneRegistersNothingElse() {
        assertThat(Main.runOnly().getSubcommands()).containsOnlyKeys("run");
        assertThat(Main.commandLine().getSubcommands()).containsKeys("run", "config", "spool", "version");
    }

    private static String usage(CommandLine cli) {
        StringWriter out = new StringWriter();
        cli.usage(new PrintWriter(out));
        return out.toString();
    }
}

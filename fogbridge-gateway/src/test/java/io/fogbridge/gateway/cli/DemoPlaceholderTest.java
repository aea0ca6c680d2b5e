package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The gateway's distribution lists {@code demo} but does not carry it: bin/fogbridge runs it from fogbridge-demo. */
class DemoPlaceholderTest {

    @Test
    void helpListsEveryCommandIncludingDemo() {
        String usage = Main.commandLine().getUsageMessage();
        for (String command : new String[] {"run", "demo", "config", "spool", "device", "cert", "version"}) {
            assertThat(usage).containsPattern("(?m)^  " + command + " ");
        }
    }

    @Test
    void demoWithoutTheDemoModuleSaysWhereItIs() {
        // Its options are the real command's business: they must not turn into a usage error here.
        assertThat(Main.commandLine().execute("demo", "--rate", "5")).isEqualTo(2);
    }
}

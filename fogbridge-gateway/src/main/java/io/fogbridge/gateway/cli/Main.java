package io.fogbridge.gateway.cli;

import picocli.CommandLine;

/** Entry point of {@code bin/fogbridge}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // The HiveMQ jar carries a logback.xml of its own; name ours so logback never has to choose
        // between two (it would print a page of warnings and may pick theirs).
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "fogbridge-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new FogbridgeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}

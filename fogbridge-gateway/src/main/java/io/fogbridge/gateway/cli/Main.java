package io.fogbridge.gateway.cli;

import picocli.CommandLine;

/** Entry point of {@code bin/fogbridge}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new FogbridgeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}

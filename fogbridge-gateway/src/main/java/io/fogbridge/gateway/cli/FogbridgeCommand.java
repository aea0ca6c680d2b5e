package io.fogbridge.gateway.cli;

import picocli.CommandLine.Command;

/** The top-level {@code fogbridge} command; {@link Main#commandLine(Object)} registers its subcommands. */
@Command(
        name = "fogbridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Edge-to-cloud IoT gateway: a local MQTT bus, a durable spool, a Kafka uplink.")
final class FogbridgeCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package io.fogbridge.gateway.cli;

import picocli.CommandLine.Command;

@Command(
        name = "fogbridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Edge-to-cloud IoT gateway: a local MQTT bus, a durable spool, a Kafka uplink.",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            ConfigCommand.class,
            SpoolCommand.class,
            DeviceCommand.class,
            CertCommand.class,
            VersionCommand.class
        })
final class FogbridgeCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

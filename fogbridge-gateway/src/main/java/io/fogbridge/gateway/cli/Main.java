package io.fogbridge.gateway.cli;

import picocli.CommandLine;

/**
 * Entry point of {@code bin/fogbridge} for every command but {@code demo}.
 *
 * <p>The demo runs an in-process Kafka, so it lives in the {@code fogbridge-demo} module and the gateway's
 * distribution carries no Kafka server. {@code bin/fogbridge demo} starts {@code io.fogbridge.demo.DemoMain} on the
 * demo module's classpath instead: the same CLI with the real demo command in place of {@link DemoPlaceholder}.
 */
public final class Main {

    static {
        // Before any command class is loaded: logback sets itself up at the first LoggerFactory.getLogger, and a
        // static logger anywhere in the CLI would otherwise do it before GatewayLogging is enabled.
        enableLogging();
    }

    private Main() {}

    /**
     * Lets {@link GatewayLogging} set up logback in this JVM. Main's own class initialiser calls it; a main that builds
     * a command before it touches this class (the demo's) calls it first.
     */
    public static void enableLogging() {
        GatewayLogging.enable();
    }

    public static void main(String[] args) {
        run(args.length > 0 && args[0].equals("run") ? runOnly() : commandLine(), args);
    }

    /**
     * The CLI with {@code run} alone: building the other commands (their options, their nested subcommands) took a
     * quarter of a second of a gateway's start on a busy two-core box, and {@code run} never uses them.
     * {@code fogbridge run --help} reads the same; only {@code fogbridge run} as the first word takes this path.
     */
    static CommandLine runOnly() {
        CommandLine cli = new CommandLine(new FogbridgeCommand());
        cli.addSubcommand(RunCommand.class);
        return cli.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Runs {@code cli} with {@code args} and exits with its exit code; the demo module's main uses it too. An Error
     * on any thread halts the process ({@link FatalErrorHandler}).
     */
    public static void run(CommandLine cli, String[] args) {
        FatalErrorHandler.install();
        System.exit(cli.execute(args));
    }

    /** The CLI of the gateway's distribution: {@code demo} is listed but points to {@code bin/fogbridge demo}. */
    public static CommandLine commandLine() {
        return commandLine(DemoPlaceholder.class);
    }

    /** The CLI with {@code demo} bound to the given command (a picocli command class or instance). */
    public static CommandLine commandLine(Object demo) {
        CommandLine cli = new CommandLine(new FogbridgeCommand());
        cli.addSubcommand(RunCommand.class);
        cli.addSubcommand("demo", demo);
        cli.addSubcommand(ConfigCommand.class);
        cli.addSubcommand(SpoolCommand.class);
        cli.addSubcommand(DeviceCommand.class);
        cli.addSubcommand(TenantCommand.class);
        cli.addSubcommand(CertCommand.class);
        cli.addSubcommand(ModbusCommand.class);
        cli.addSubcommand(DoctorCommand.class);
        cli.addSubcommand(OpcUaCommand.class);
        cli.addSubcommand(DiscoverCommand.class);
        cli.addSubcommand(VersionCommand.class);
        // Set last: the setting reaches only the subcommands registered at the time.
        return cli.setCaseInsensitiveEnumValuesAllowed(true);
    }
}

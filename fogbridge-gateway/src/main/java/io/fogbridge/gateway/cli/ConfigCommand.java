package io.fogbridge.gateway.cli;

import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.ConfigReference;
import io.fogbridge.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Check a configuration file, or print the reference.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Reference.class})
final class ConfigCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Validate a config file (with FOGBRIDGE_* environment overrides applied).",
                "Prints every problem with its file, line and key, and exits 1; or prints OK and a summary."
            })
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "<file>", description = "the YAML config file")
        Path file;

        @Override
        public Integer call() {
            try {
                GatewayConfig config = ConfigLoader.load(file, System.getenv());
                config.warnings().forEach(w -> System.err.println("warning: " + w));
                TenantCommand.registryWarnings(config.devices().registry())
                        .forEach(w -> System.err.println("warning: " + w));
                System.out.println("OK " + file);
                System.out.println(config.summary());
                return 0;
            } catch (ConfigException e) {
                e.problems().forEach(System.err::println);
                System.err.println(e.problems().size() + " problem(s) in " + file);
                return 1;
            }
        }
    }

    @Command(
            name = "reference",
            mixinStandardHelpOptions = true,
            description = "Print every config key as a Markdown table.")
    static final class Reference implements Runnable {
        @Override
        public void run() {
            System.out.print(ConfigReference.markdown());
        }
    }
}

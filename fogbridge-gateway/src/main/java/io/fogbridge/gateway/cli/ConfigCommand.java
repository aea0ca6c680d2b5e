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
                "Prints every problem with its file, line and key, and exits 1; or prints OK and a summary.",
                "Then warns about route targets Kafka does not have (unless --no-kafka)."
            })
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "<file>", description = "the YAML config file")
        Path file;

        @picocli.CommandLine.Option(
                names = "--no-kafka",
                description = "do not ask Kafka whether the route targets exist (by default it waits up to 5 s;"
                        + " a Kafka that cannot be reached is a note, not a failure)")
        boolean noKafka;

        @Override
        public Integer call() {
            try {
                GatewayConfig config = ConfigLoader.load(file, System.getenv());
                config.warnings().forEach(w -> System.err.println("warning: " + w));
                System.out.println("OK " + file);
                System.out.println(config.summary());
                if (!noKafka) {
                    // warnings only: a topic may be created after the check, and the forwarder parks, never stalls
                    var targets = io.fogbridge.gateway.RouteTargetCheck.check(config, java.time.Duration.ofSeconds(5));
                    targets.warnings().forEach(w -> System.err.println("warning: " + w));
                    if (targets.notChecked() != null) {
                        System.err.println("note: " + targets.notChecked());
                    }
                }
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

package io.fogbridge.gateway.cli;

import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fogbridge modbus plan <config>}: the Modbus converter's read plan. The converter is a plugin found through its
 * factory; this command only asks the factory named {@code modbus} for its {@code plan} report, so the gateway names
 * none of its classes.
 */
@Command(
        name = "modbus",
        mixinStandardHelpOptions = true,
        description = "Inspect the Modbus TCP converter's configuration.",
        subcommands = {ModbusCommand.Plan.class})
final class ModbusCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "plan",
            mixinStandardHelpOptions = true,
            description = {
                "Print the read requests each poll group sends: tags merged per table across gaps up to"
                        + " adapters.modbus.maxGap, at most 125 registers or 2000 bits each."
            })
    static final class Plan implements Callable<Integer> {
        @Parameters(paramLabel = "<config>", description = "the gateway's YAML config file")
        Path file;

        @Override
        public Integer call() {
            GatewayConfig config;
            try {
                config = ConfigLoader.load(file, System.getenv());
            } catch (ConfigException e) {
                e.problems().forEach(System.err::println);
                System.err.println(e.problems().size() + " problem(s) in " + file);
                return 1;
            }
            Optional<String> plan = config.adapters().stream()
                    .filter(a -> a.name().equals("modbus"))
                    .findFirst()
                    .flatMap(a -> a.report("plan"));
            if (plan.isEmpty()) {
                System.err.println("no Modbus converter in this distribution");
                return 1;
            }
            System.out.print(plan.get());
            return 0;
        }
    }
}

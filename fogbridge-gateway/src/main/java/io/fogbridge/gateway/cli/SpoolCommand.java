package io.fogbridge.gateway.cli;

import io.fogbridge.spool.ParkedReplay;
import io.fogbridge.spool.SpoolInspector;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "spool",
        mixinStandardHelpOptions = true,
        description = "Look into a spool directory, or send its parked records again.",
        subcommands = {SpoolCommand.Inspect.class, SpoolCommand.ReplayParked.class})
final class SpoolCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = {
                "Print segments, record counts, committed position, oldest age and damaged ranges.",
                "Read-only: safe on the spool of a running gateway.",
                "Exit code: 0 healthy, 1 damage found, 2 not a spool."
            })
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "<dir>", description = "the spool directory (<gateway.dataDir>/spool)")
        Path dir;

        @Override
        public Integer call() {
            return SpoolInspector.inspect(dir, System.out);
        }
    }

    @Command(
            name = "replay-parked",
            mixinStandardHelpOptions = true,
            description = {
                "Append the records Kafka refused for good (parked/) to their lanes again, and empty parked/.",
                "Run it after fixing the cause (create the topic, raise the size limit, grant the ACL),",
                "with the gateway stopped: it opens the spool itself. The gateway forwards them when it starts.",
                "Exit code: 0 all replayed (or none parked), 1 failed (the rest stays parked), 2 not a spool."
            })
    static final class ReplayParked implements Callable<Integer> {
        @Parameters(paramLabel = "<dir>", description = "the spool directory (<gateway.dataDir>/spool)")
        Path dir;

        @Override
        public Integer call() {
            return ParkedReplay.replay(dir, System.out);
        }
    }
}

package io.fogbridge.gateway.cli;

import io.fogbridge.api.config.Units;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.doctor.BoxChecks;
import io.fogbridge.gateway.doctor.Finding;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SpoolOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check this box for a gateway: the JDK and CPU architecture, free memory, the data dir's file system and"
                    + " free space, its measured fsync latency (what it means for spool.fsync), clock sync, and"
                    + " whether the Kafka bootstrap servers resolve and answer. Prints advice for each.",
            "Exit code: 0 nothing failed (warnings may be printed), 1 a check failed, 2 the config cannot be read."
        })
final class DoctorCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "<file>",
            description = "the gateway's YAML config: its data dir, spool and Kafka servers are checked")
    Path config;

    @Option(
            names = "--data-dir",
            paramLabel = "<dir>",
            description = "data dir to check (default: the config's gateway.dataDir, else the current directory)")
    Path dataDir;

    @Option(
            names = "--kafka",
            paramLabel = "<host:port,...>",
            description = "Kafka bootstrap servers to try (default: the config's kafka.bootstrapServers)")
    String kafka;

    @Option(
            names = "--fsyncs",
            defaultValue = "300",
            paramLabel = "<n>",
            description = "how many small fsyncs to time in the data dir (default: ${DEFAULT-VALUE})")
    int fsyncs;

    @Option(
            names = "--timeout",
            defaultValue = "3s",
            paramLabel = "<duration>",
            description = "how long a Kafka server may take to answer, e.g. 3s (default: ${DEFAULT-VALUE})")
    String timeout;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        Path dir = dataDir;
        String servers = kafka;
        long maxBytes = SpoolOptions.DEFAULT_MAX_BYTES;
        FsyncPolicy fsync = FsyncPolicy.parse("group");
        if (config != null) {
            GatewayConfig loaded;
            try {
                loaded = ConfigLoader.load(config, System.getenv());
            } catch (ConfigException e) {
                e.problems().forEach(System.err::println);
                return 2;
            }
            dir = dir != null ? dir : loaded.gateway().dataDir();
            servers = servers != null ? servers : loaded.kafka().bootstrapServers();
            maxBytes = loaded.spool().maxBytes();
            fsync = loaded.spool().fsync();
        }
        List<Finding> findings = BoxChecks.all(
                dir != null ? dir : Path.of(""),
                maxBytes,
                fsync,
                Math.max(10, fsyncs),
                servers,
                Units.parseDuration(timeout));
        findings.forEach(f -> f.print(out));
        boolean failed = findings.stream().anyMatch(f -> f.level() == Finding.Level.FAIL);
        out.println(failed ? "doctor: a check failed" : "doctor: nothing failed");
        return failed ? 1 : 0;
    }
}

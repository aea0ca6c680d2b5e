package io.fogbridge.gateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.testkit.LauncherJvmOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fogbridge run} with a class-data sharing archive that cannot be used: the gateway starts all the same,
 * says at most one line about it, and the JVM's own archive messages stay out of its output. A damaged archive is
 * replaced by a good one when the gateway stops, and that one is used by the next start. The gateway's JVM runs with
 * the options of the launcher's files (bin/jvm). Runs the real launcher on the distribution the package phase built.
 *
 * <p>Tagged {@code alone} (fogbridge-gateway/pom.xml): it gives each JVM 60 s to write its archive at exit, which the
 * JVM does in a child process of its own; beside the fault ITs on the shared 2-core dev box at load average 40 that took
 * longer (exit 137, twice).
 */
@Tag("alone")
class LauncherCdsIT {

    /** A dynamic archive's first four bytes as the launcher reads them (0xf00baba8, little-endian): JDK 21-24. */
    private static final byte[] DYNAMIC_MAGIC = {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0};

    /** An AOT cache's (a static archive, 0xf00baba2): what the launcher keeps on JDK 25+. */
    private static final byte[] AOT_MAGIC = {(byte) 0xa2, (byte) 0xab, 0x0b, (byte) 0xf0};

    @TempDir
    Path dir;

    @Test
    void aDamagedArchiveIsReplacedAndTheGatewayStartsThenTheNewOneIsKept() throws Exception {
        Path archive = dir.resolve("cds/gateway.jsa");
        Files.createDirectories(archive.getParent());
        Files.write(archive, "not an archive, e.g. a copy cut short".getBytes(StandardCharsets.US_ASCII));

        Run run = startAndStop(archive.toString());

        assertThat(run.stdout()).as(run.toString()).anyMatch(l -> l.startsWith("READY "));
        // the launcher execs the JVM: its options are the files' (bin/jvm), which the benchmarks and memory tests read
        assertThat(run.jvmArguments())
                .as("the gateway JVM's command line")
                .contains("-XX:+ExitOnOutOfMemoryError")
                .containsAll(LauncherJvmOptions.forJdk(Runtime.version().feature()));
        assertThat(run.all()).as(run.toString()).noneMatch(l -> l.contains("[cds") || l.contains("[aot"));
        assertThat(run.stderr()).as(run.toString()).noneMatch(l -> l.startsWith("fogbridge: class-data sharing"));
        assertThat(run.exitCode()).as(run.toString()).isIn(0, 143);
        byte[] head = new byte[4];
        System.arraycopy(Files.readAllBytes(archive), 0, head, 0, 4);
        // The launcher runs the JDK this build runs on (the wrapper and the launcher find it the same way).
        assertThat(head)
                .as("the archive written at exit")
                .isEqualTo(Runtime.version().feature() >= 25 ? AOT_MAGIC : DYNAMIC_MAGIC);

        var written = Files.getLastModifiedTime(archive);
        Run again = startAndStop(archive.toString());
        assertThat(again.stdout()).as(again.toString()).anyMatch(l -> l.startsWith("READY "));
        assertThat(again.all()).as(again.toString()).noneMatch(l -> l.contains("[cds") || l.contains("[aot"));
        assertThat(Files.getLastModifiedTime(archive))
                .as("a good archive is used, not deleted and written again")
                .isEqualTo(written);
    }

    @Test
    void theDynamicKindCanBeChosenOnEveryJdkAndAnOptionsFileIsExpanded() throws Exception {
        Path archive = dir.resolve("cds/gateway.jsa");
        Files.createDirectories(archive.getParent());
        Path options = Files.writeString(
                dir.resolve("site.options"), "# a site's own options\n-Xmx96m   # the heap\n-Dfogbridge.site=lab\n");

        Run run = startAndStop(archive.toString(), "dynamic", "@" + options);

        assertThat(run.stdout()).as(run.toString()).anyMatch(l -> l.startsWith("READY "));
        // expanded by the launcher, so that the archive's name would follow the file's options
        assertThat(run.jvmArguments())
                .as("the gateway JVM's command line")
                .contains("-Xmx96m", "-Dfogbridge.site=lab")
                .noneMatch(a -> a.startsWith("@") || a.startsWith("#"));
        assertThat(run.stderr()).as(run.toString()).noneMatch(l -> l.startsWith("fogbridge: "));
        byte[] head = new byte[4];
        System.arraycopy(Files.readAllBytes(archive), 0, head, 0, 4);
        assertThat(head).as("the archive written at exit").isEqualTo(DYNAMIC_MAGIC);
    }

    @Test
    void anUnknownKindTurnsSharingOffWithOneLine() throws Exception {
        Run run = startAndStop(dir.resolve("cds/gateway.jsa").toString(), "fast", null);

        assertThat(run.stdout()).as(run.toString()).anyMatch(l -> l.startsWith("READY "));
        assertThat(run.stderr().stream().filter(l -> l.startsWith("fogbridge: class-data sharing off: FOGBRIDGE_CDS")))
                .as(run.toString())
                .hasSize(1);
        assertThat(Files.exists(dir.resolve("cds/gateway.jsa"))).isFalse();
    }

    @Test
    void anArchiveThatCannotBeWrittenTurnsSharingOffWithOneLine() throws Exception {
        // /proc refuses new directories, also to root
        Run run = startAndStop("/proc/fogbridge-cds-test/gateway.jsa");

        assertThat(run.stdout()).as(run.toString()).anyMatch(l -> l.startsWith("READY "));
        assertThat(run.stderr().stream().filter(l -> l.startsWith("fogbridge: class-data sharing off")))
                .as(run.toString())
                .hasSize(1);
        assertThat(run.all()).as(run.toString()).noneMatch(l -> l.contains("[cds") || l.contains("[aot"));
        assertThat(run.exitCode()).as(run.toString()).isIn(0, 143);
    }

    private record Run(List<String> stdout, List<String> stderr, int exitCode, List<String> jvmArguments) {
        List<String> all() {
            return java.util.stream.Stream.concat(stdout.stream(), stderr.stream())
                    .toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + String.join("\n", stdout) + "\nstderr:\n"
                    + String.join("\n", stderr);
        }
    }

    private Run startAndStop(String archive) throws Exception {
        return startAndStop(archive, null, null);
    }

    /**
     * Runs the launcher until the gateway printed READY (or 90 s passed), then SIGTERM; {@code kind}: FOGBRIDGE_CDS,
     * {@code javaOptions}: FOGBRIDGE_JAVA_OPTS (null: unset).
     */
    private Run startAndStop(String archive, String kind, String javaOptions) throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(
                config,
                "gateway: {id: cds-test, dataDir: " + dir.resolve("data") + "}\n"
                        + "mqtt: {listeners: [{host: 127.0.0.1, port: 0}]}\n"
                        + "kafka: {bootstrapServers: \"127.0.0.1:9\"}\n"
                        + "http: {host: 127.0.0.1, port: " + freePort() + "}\n");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "run", "--config", config.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("FOGBRIDGE_CDS_ARCHIVE", archive);
        if (kind == null) {
            builder.environment().remove("FOGBRIDGE_CDS");
        } else {
            builder.environment().put("FOGBRIDGE_CDS", kind);
        }
        if (javaOptions == null) {
            builder.environment().remove("FOGBRIDGE_JAVA_OPTS");
        } else {
            builder.environment().put("FOGBRIDGE_JAVA_OPTS", javaOptions);
        }
        Process process = builder.start();
        List<String> jvmArguments;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (process.isAlive()
                    && System.nanoTime() < deadline
                    && Files.readAllLines(out).stream().noneMatch(l -> l.startsWith("READY "))) {
                Thread.sleep(50);
            }
            jvmArguments = process.info().arguments().map(List::of).orElse(List.of());
        } finally {
            process.destroy(); // SIGTERM: the shutdown hook closes the gateway, then the JVM writes its archive
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return new Run(Files.readAllLines(out), Files.readAllLines(err), process.waitFor(), jvmArguments);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path launcher() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("bin/fogbridge");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no bin/fogbridge above " + Path.of("").toAbsolutePath());
    }
}

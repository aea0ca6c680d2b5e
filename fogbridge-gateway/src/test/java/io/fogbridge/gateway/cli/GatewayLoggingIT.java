package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves, in a JVM on the gateway's distribution class path ({@code target/classes} and {@code target/lib}, without the
 * tests' logback-test.xml) that logs as {@link Main#run} would (GatewayLogging enabled): an event logs to stderr in the
 * gateway's pattern without loading logback's XML reader (Joran), FOGBRIDGE_LOG_LEVEL sets the root level, and a file
 * named by {@code -Dlogback.configurationFile} is read instead; a JVM that did not enable it (the operator, the
 * benchmarks) keeps logback's own search for a file.
 */
class GatewayLoggingIT {

    @TempDir
    Path dir;

    @Test
    void logsToStderrWithoutTheXmlReader() throws Exception {
        Run run = logOnce(List.of(), null);
        assertThat(run.stderr()).containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main\\] probe - hello$");
        assertThat(run.stderr()).doesNotContain("debug line");
        assertThat(run.classes()).contains("ch.qos.logback.classic.encoder.PatternLayoutEncoder");
        // ConsoleAppender names two classes of the joran package (ConsoleTarget, JoranException); the reader is not
        // loaded: no configurator, no model.
        assertThat(run.classes())
                .doesNotContain("ch.qos.logback.classic.joran.JoranConfigurator")
                .doesNotContain("ch.qos.logback.core.model.");
    }

    @Test
    void theVariableSetsTheLevel() throws Exception {
        Run run = logOnce(List.of(), "DEBUG");
        assertThat(run.stderr()).contains("DEBUG [main] probe - debug line");
    }

    /**
     * Logback then reads the first logback.xml on the class path: the HiveMQ jar's, which logs to stdout (discarded
     * here). What the test needs is only that the XML reader ran, whichever file it found.
     */
    @Test
    void notEnabledLeavesLogbackToItsFiles() throws Exception {
        Run run = logOnce(List.of(), null, false);
        assertThat(run.classes()).contains("ch.qos.logback.classic.joran.JoranConfigurator");
        assertThat(run.stderr()).doesNotContain("INFO  [main] probe - hello");
    }

    @Test
    void aNamedFileIsReadInstead() throws Exception {
        Path file = dir.resolve("mine.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="E" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>MINE %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="E"/></root>
                </configuration>
                """);
        Run run = logOnce(List.of("-Dlogback.configurationFile=" + file), null);
        assertThat(run.stderr()).contains("MINE INFO hello");
        assertThat(run.classes()).contains("ch.qos.logback.classic.joran.JoranConfigurator");
    }

    private record Run(String stderr, String classes) {}

    private Run logOnce(List<String> options, String level) throws Exception {
        return logOnce(options, level, true);
    }

    /**
     * Runs a one-file program that logs "hello" at INFO and "debug line" at DEBUG through slf4j, after enabling
     * GatewayLogging as Main.run does when {@code enabled}.
     */
    private Run logOnce(List<String> options, String level, boolean enabled) throws Exception {
        Path source = dir.resolve("LogOnce.java");
        Files.writeString(source, """
                public class LogOnce {
                    public static void main(String[] args) {
                        if (args.length > 0) {
                            System.setProperty("%s", "true");
                        }
                        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("probe");
                        log.info("hello");
                        log.debug("debug line");
                    }
                }
                """.formatted(GatewayLogging.ENABLED));
        Path target = Path.of("target").toAbsolutePath();
        assertThat(target.resolve("lib"))
                .as("the distribution's lib (mvn package)")
                .isDirectory();
        Path classes = dir.resolve("classes.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xlog:class+load=info:file=" + classes);
        command.addAll(options);
        command.add("-cp");
        command.add(target.resolve("classes") + File.pathSeparator + target.resolve("lib") + File.separator + "*");
        command.add(source.toString());
        if (enabled) {
            command.add("enable");
        }
        Path stderrFile = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderrFile.toFile());
        builder.environment().remove(GatewayLogging.LEVEL_VARIABLE);
        if (level != null) {
            builder.environment().put(GatewayLogging.LEVEL_VARIABLE, level);
        }
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("the program ended within 60 s")
                    .isTrue();
        } finally {
            process.destroyForcibly();
        }
        String stderr = Files.readString(stderrFile);
        assertThat(process.exitValue()).as(stderr).isZero();
        return new Run(stderr, Files.readString(classes));
    }
}

package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: a status redraws on a real terminal and is plain lines elsewhere. {@link LiveStatusProbe} runs in a child
 * JVM once under {@code script} (util-linux: a pseudo-terminal, as an interactive shell gives), once with stdout on a
 * pipe; the terminal detection is the JVM's own.
 */
class LiveStatusTerminalIT {

    @Test
    void underAPseudoTerminalTheStatusRedrawsInPlace() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(
                " ",
                quote(java),
                "-cp",
                quote(System.getProperty("java.class.path")),
                LiveStatusProbe.class.getName(),
                "60000");
        String output = run(List.of(TestEnv.peer("script").toString(), "-qfec", command, "/dev/null"));

        assertThat(output).contains("instructions above the status");
        assertThat(output).contains("\r\033[Jupdate 1\nsecond line 1".replace("\n", "\r\n"));
        assertThat(output).contains("\r\033[1A\033[Jupdate 3\nsecond line 3".replace("\n", "\r\n"));
        assertThat(output).doesNotContain("update 1 | second line 1");
    }

    @Test
    void onAPipeTheStatusIsPlainLinesAtTheInterval() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run(
                List.of(java, "-cp", System.getProperty("java.class.path"), LiveStatusProbe.class.getName(), "60000"));

        assertThat(output).doesNotContain("\033[").doesNotContain("\r");
        // one line for the first update; the next two fall inside the minute
        assertThat(output.lines().toList())
                .containsExactly("instructions above the status", "update 1 | second line 1", "done");
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(output.replace("\033", "<ESC>").replace("\r", "<CR>"));
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}

package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveStatusTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();

    @Test
    void onATerminalEachUpdateRedrawsTheBlockInPlace() {
        LiveStatus status = new LiveStatus(out, true, 80, Duration.ofSeconds(5), now::get);
        status.show(List.of("received 1", "backlog 0"));
        status.show(List.of("received 2", "backlog 1"));
        status.finish();
        status.show(List.of("received 3", "backlog 0")); // after Ctrl-C: nothing more

        assertThat(text()).isEqualTo("\r\033[Jreceived 1\nbacklog 0" + "\r\033[1A\033[Jreceived 2\nbacklog 1" + "\n");
    }

    @Test
    void onATerminalALineIsCutToTheWidthSoItDoesNotWrap() {
        LiveStatus status = new LiveStatus(out, true, 20, Duration.ofSeconds(5), now::get);
        status.show(List.of("x".repeat(50)));
        assertThat(text()).isEqualTo("\r\033[J" + "x".repeat(19));
    }

    @Test
    void elsewhereAPlainLineAtMostOncePerIntervalWithoutEscapeCodes() {
        LiveStatus status = new LiveStatus(out, false, 80, Duration.ofSeconds(5), now::get);
        for (int second = 0; second <= 12; second++) {
            now.set(Duration.ofSeconds(second).toNanos());
            status.show(List.of("at " + second, "b"));
        }
        status.finish();

        assertThat(text()).isEqualTo("at 0 | b\nat 5 | b\nat 10 | b\n".replace("\n", System.lineSeparator()));
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

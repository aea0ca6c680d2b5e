package io.fogbridge.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void theScannersOfTheDistributionAreFoundByProtocol() throws Exception {
        assertThat(run("lorawan")).isEqualTo(2);
        assertThat(err()).contains("no scanner for 'lorawan'", "modbus", "opcua");
    }

    @Test
    void tenantAndExactlyOneOfGatewayAndSiteAreRequired() throws Exception {
        assertThat(run("modbus", "127.0.0.1", "--gateway", "lathe")).isEqualTo(2);
        assertThat(err()).contains("--tenant");
        assertThat(run("modbus", "127.0.0.1", "--tenant", "acme")).isEqualTo(2);
        assertThat(run("modbus", "127.0.0.1", "--tenant", "acme", "--gateway", "g", "--site", "s"))
                .isEqualTo(2);
        assertThat(err()).contains("exactly one of --gateway and --site");
    }

    @Test
    void aScannerUsageErrorIsShownWithTheScannersUsage() throws Exception {
        assertThat(run("modbus", "10.0.0.0/8", "--tenant", "acme", "--gateway", "lathe"))
                .isEqualTo(2);
        assertThat(err()).contains("10.0.0.0/8", "usage: fogbridge discover modbus <hosts>");
        assertThat(run("opcua", "http://x", "--tenant", "acme", "--gateway", "lathe"))
                .isEqualTo(2);
        assertThat(err()).contains("opc.tcp://");
    }

    @Test
    void nothingListeningIsAScanThatFindsNothingAndPrintsNoDevice() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(run("modbus", "127.0.0.1", "--ports", Integer.toString(port), "--tenant", "acme", "--gateway", "g"))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err()).contains("0 unit(s) found");
    }

    @Test
    void aDiscoveryUrlWhereNothingAnswersIsAFailedScanSaidInOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(run("opcua", "opc.tcp://127.0.0.1:" + port, "--timeout", "2s", "--tenant", "acme", "--gateway", "g"))
                .isEqualTo(1);
        assertThat(err()).startsWith("the scan could not run: ").doesNotContain("\tat ");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private int run(String... args) throws Exception {
        out.reset();
        err.reset();
        return Discovery.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}

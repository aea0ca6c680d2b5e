package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.cli.Main;
import io.fogbridge.testkit.TestEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: a certificate device set up with the CLI alone, as the README's Security section shows it: a server CA
 * and certificate ({@code cert ca}, {@code cert issue --server}), the tenant's CA and a device certificate, the device
 * ({@code device add --cert-subject}), which tells that the tenant trusts no CA yet (and {@code config check} warns
 * too, while {@code mosquitto_pub --cert} is refused), then {@code tenant set-ca}, after which the same
 * {@code mosquitto_pub --cert} reaches Kafka, through a listener with {@code clientAuth: required}.
 */
class CertificateDeviceCliIT {

    @TempDir
    static Path dir;

    @AutoClose
    static GatewayFixture fixture;

    @Test
    void aCertificateDeviceSetUpWithTheCliPublishesThroughARequiredClientAuthListener() throws Exception {
        String registry = dir.resolve("devices.yaml").toString();
        cli("cert", "ca", "--subject", "CN=Edge Server CA", "--out", path("edge-ca"));
        cli("cert", "issue", "--ca", path("edge-ca"), "--server", "localhost,127.0.0.1", "--out", path("edge"));
        cli("cert", "ca", "--subject", "CN=Acme Devices CA,O=acme", "--out", path("acme-ca"));
        cli("cert", "issue", "--ca", path("acme-ca"), "--subject", "CN=lathe-9,O=acme", "--out", path("lathe-9"));
        Output added = cli("device", "add", "lathe-9@acme", "--cert-subject", "CN=lathe-9,O=acme", "-r", registry);
        assertThat(added.err()).contains("fogbridge tenant set-ca acme <ca.pem> -r " + registry);

        fixture = GatewayFixture.start(dir);
        String config = """
                gateway: {id: cli-cert, dataDir: "${dataDir}"}
                devices: {registry: "${dir}/devices.yaml"}
                mqtt:
                  listeners:
                    - host: 127.0.0.1
                      port: ${mqttPort}
                      anonymous: false
                      certFile: "${dir}/edge.pem"
                      keyFile: "${dir}/edge.key"
                      clientCaFile: "${dir}/acme-ca.pem"
                      clientAuth: required
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                """;
        Path configFile = Files.writeString(
                dir.resolve("gateway.yaml"),
                config.replace("${dir}", dir.toString())
                        .replace("${dataDir}", path("data"))
                        .replace("${mqttPort}", "1883")
                        .replace("${kafka}", "127.0.0.1:9092"));
        assertThat(cli("config", "check", configFile.toString()).err())
                .contains("warning: devices.registry " + registry + ": tenant acme has no trustedCa");

        Gateway gateway = fixture.startGateway("cli-cert", config);
        int port = gateway.mqttPorts().get(0);
        assertThat(mosquittoPub(port, "refused-before-set-ca")).isNotZero();

        Output setCa = cli("tenant", "set-ca", "acme", path("acme-ca.pem"), "-r", registry);
        assertThat(setCa.out()).contains("tenant acme trusts device certificates issued by CN=Acme Devices CA,O=acme");
        assertThat(Files.readString(dir.resolve("devices.yaml"))).contains("trustedCa: acme-ca.pem");
        assertThat(cli("config", "check", configFile.toString()).err()).doesNotContain("trustedCa");

        // the gateway re-reads the registry within a second
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> mosquittoPub(port, "cli-cert-hello") == 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        fixture.cloud().forDevice("fog.telemetry.acme", "lathe-9", "cli-cert-hello"))
                .hasSize(1));
        assertThat(fixture.cloud().forDevice("fog.telemetry.acme", "lathe-9", "refused-before-set-ca"))
                .isEmpty();
    }

    private record Output(String out, String err) {}

    /** Runs the CLI in this JVM; asserts exit code 0 and returns what it printed. */
    private static Output cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        Output output =
                new Output(outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        System.out.println("fogbridge " + String.join(" ", args) + "\n" + output.out() + output.err());
        assertThat(code).as(output.err()).isZero();
        return output;
    }

    private static String path(String name) {
        return dir.resolve(name).toString();
    }

    /** {@code mosquitto_pub --cert} of lathe-9, QoS 1 to the short topic {@code telemetry}; its exit code. */
    private static int mosquittoPub(int port, String message) throws Exception {
        Process process = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "localhost",
                        "-p",
                        Integer.toString(port),
                        "--cafile",
                        path("edge-ca.pem"),
                        "--cert",
                        path("lathe-9.pem"),
                        "--key",
                        path("lathe-9.key"),
                        "-i",
                        "lathe-9-" + System.nanoTime(),
                        "-V",
                        "mqttv5",
                        "-q",
                        "1",
                        "-t",
                        "telemetry",
                        "-m",
                        message)
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mosquitto_pub did not finish within 20 s");
        }
        System.out.println("mosquitto_pub " + message + ": exit " + process.exitValue() + " "
                + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return process.exitValue();
    }
}

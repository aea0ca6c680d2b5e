package io.fogbridge.adapters.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.CoapClient;
import io.fogbridge.adapters.TestDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CoAP adapter's DTLS pre-shared key file is edited while the adapter runs: a key added to the file works, a
 * rotated key replaces the old one, without a restart. Real libcoap client ({@code coap-client-openssl}, DTLS-PSK).
 */
class CoapPskReloadIT {

    static final String CLIENT = "coap-client-openssl";

    @TempDir
    static Path dir;

    static final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    static Path keyFile;
    static CoapAdapter adapter;
    static String secure;

    @BeforeAll
    static void start() throws Exception {
        keyFile = dir.resolve("psk.keys");
        writeKeys("sensor-1@acme = text:key-one\n");
        CoapAdapterOptions options = new CoapAdapterOptions(
                "127.0.0.1", -1, 0, PskKeys.load(keyFile), 1024, Duration.ofSeconds(5), Duration.ofSeconds(5), false);
        adapter = new CoapAdapter(options, TestDevices.registry(), null, null);
        adapter.start(uplink);
        secure = "coaps://127.0.0.1:" + adapter.dtlsPort();
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void anAddedKeyWorksAndARotatedKeyReplacesTheOldOneWithoutARestart() throws Exception {
        assertThat(code("sensor-1@acme", "key-one")).isEqualTo("2.04");
        assertThat(code("sensor-2@acme", "key-two")).isNull(); // not in the file yet: the handshake fails

        writeKeys("sensor-1@acme = text:key-rotated\nsensor-2@acme = text:key-two\n");

        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> "2.04".equals(code("sensor-2@acme", "key-two")));
        assertThat(code("sensor-1@acme", "key-rotated")).isEqualTo("2.04");
        assertThat(code("sensor-1@acme", "key-one")).isNull();
        assertThat(uplink.messages)
                .extracting(m -> m.sender().device())
                .containsExactly("sensor-1", "sensor-2", "sensor-1");
    }

    /** The response code of one DTLS-PSK POST, or null when the handshake failed (no response within 2 s). */
    static String code(String identity, String key) throws Exception {
        return CoapClient.post(CLIENT, secure + "/telemetry", "{}", "-u", identity, "-k", key, "-B", "2")
                .code();
    }

    static void writeKeys(String text) throws Exception {
        Path temp = dir.resolve("psk.keys.tmp");
        Files.writeString(temp, text);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.move(
                temp,
                keyFile,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

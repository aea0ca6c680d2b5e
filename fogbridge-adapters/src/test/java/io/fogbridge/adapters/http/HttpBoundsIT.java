package io.fogbridge.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.TestDevices;
import io.fogbridge.testkit.Curl;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What HTTP clients can make the adapter hold before they are even authenticated, at its bounds, with raw sockets
 * and curl: bodies being read (all connections together, {@link BodyBudget}) and open connections ({@code
 * maxConnections}).
 */
class HttpBoundsIT {

    private static final int MAX_BODY = 64 << 10;

    private final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Socket> sockets = new ArrayList<>();
    private HttpAdapter adapter;

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (adapter != null) {
            adapter.close();
        }
    }

    private void start(HttpAdapterOptions options) throws Exception {
        TestEnv.peer("curl");
        adapter = new HttpAdapter(options, TestDevices.registry(), null, meters);
        adapter.start(uplink);
    }

    private static HttpAdapterOptions options() {
        return new HttpAdapterOptions(
                "127.0.0.1", 0, MAX_BODY, Duration.ofSeconds(5), Duration.ofSeconds(60), false, null, false);
    }

    @Test
    void bodiesBeingReadAreBoundedInAllAndTheOneTooManyIsRefusedBeforeAuthentication() throws Exception {
        start(options().withBodyBudget(2 * MAX_BODY));
        int part = 50_000;
        Socket first = bodyStarted(part);
        Socket second = bodyStarted(part);
        await().atMost(Duration.ofSeconds(10)).until(() -> bodyBytes() >= 2 * part);

        Socket third = bodyStarted(part);
        String refused = response(third);
        assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1");
        assertThat(bodyBytes()).as("the refused body's bytes went back").isEqualTo(2.0 * part);
        third.getOutputStream().write(new byte[MAX_BODY - part]); // the rest of it is discarded, then the end
        third.getOutputStream().flush();
        assertThat(third.getInputStream().read()).as("its connection is closed").isEqualTo(-1);

        for (Socket socket : List.of(first, second)) {
            socket.getOutputStream().write(new byte[MAX_BODY - part]);
            socket.getOutputStream().flush();
            assertThat(response(socket)).startsWith("HTTP/1.1 202");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyBytes() == 0);
        assertThat(uplink.messages).hasSize(2);
        var again = Curl.post(
                "http://127.0.0.1:" + adapter.port() + "/telemetry", new byte[MAX_BODY], "-u", "sensor-1@acme:s3cret");
        assertThat(again.status()).as("room again").isEqualTo(202);
    }

    @Test
    void connectionsBeyondTheBoundAreClosedAtOnce() throws Exception {
        start(options().withMaxConnections(3));
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(connect());
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get("fogbridge.http.connections").gauge().value() == 3);
        Socket fourth = connect();
        fourth.setSoTimeout(5000);
        assertThat(fourth.getInputStream().read()).as("closed by the adapter").isEqualTo(-1);
        assertThat(meters.get("fogbridge.http.connections.refused")
                        .functionCounter()
                        .count())
                .isEqualTo(1);

        open.getFirst().close();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get("fogbridge.http.connections").gauge().value() == 2);
        var served = Curl.post(
                "http://127.0.0.1:" + adapter.port() + "/telemetry", "{}".getBytes(), "-u", "sensor-1@acme:s3cret");
        assertThat(served.status()).isEqualTo(202);
    }

    /** A connection that sent the head of a {@value #MAX_BODY}-byte POST and the first {@code bytes} of its body. */
    private Socket bodyStarted(int bytes) throws Exception {
        Socket socket = connect();
        String basic = Base64.getEncoder().encodeToString("sensor-1@acme:s3cret".getBytes(StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        out.write(("POST /telemetry HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basic + "\r\nContent-Length: "
                        + MAX_BODY + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[bytes]);
        out.flush();
        return socket;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", adapter.port()), 2000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The status line and headers of the next response. */
    private static String response(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String text = head.toString();
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return text;
    }

    private double bodyBytes() {
        return meters.get("fogbridge.http.body.bytes").gauge().value();
    }
}

package io.fogbridge.gateway.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Malformed HTTP/1.1 against the device adapter, from a seed, one connection per request: a Content-Length that
 * promises more than comes, or less than is sent, or is negative, not a number, too large or given twice; a header of
 * up to 1 MiB, or thousands of headers; broken chunked encoding; request lines of garbage; well-formed requests with
 * a byte or two changed. {@link #slowLoris} holds a connection open by sending its headers a byte at a time.
 *
 * <p>Answers are read briefly and thrown away. Thread-safe counters; each fuzzer runs on the calling thread.
 */
public final class HttpFuzzer {

    private static final String[] WORDS = {"POST", "GET", "PUT", "DELETE", "OPTIONS", "POS T", "\u00fcber", ""};

    private final int port;
    private final Random random;
    private final AtomicLong requests;
    private final AtomicLong answered;

    public HttpFuzzer(int port, long seed, AtomicLong requests, AtomicLong answered) {
        this.port = port;
        this.random = new Random(seed);
        this.requests = requests;
        this.answered = answered;
    }

    /** Sends {@code count} malformed requests. */
    public void run(int count) {
        for (int i = 0; i < count; i++) {
            send(next());
        }
    }

    /**
     * Opens a connection and sends a request's headers one byte every 100–500 ms until {@code hold} passes, never
     * finishing them; then closes. Returns whether the server hung up first (a header timeout).
     */
    public boolean slowLoris(Duration hold) throws InterruptedException {
        long end = System.nanoTime() + hold.toNanos();
        requests.incrementAndGet();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = s.getOutputStream();
            byte[] start = ("POST /telemetry/fz/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nQoS-Level: 1\r\nX-Slow: ")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; System.nanoTime() < end; i++) {
                out.write(i < start.length ? start[i] : 'a' + random.nextInt(26));
                out.flush();
                Thread.sleep(100 + random.nextInt(400));
            }
            return false;
        } catch (IOException e) {
            return true; // the server gave up on us: what a server may do with a slow client
        }
    }

    private byte[] next() {
        String path = "/telemetry/fz/h" + random.nextInt(8);
        String body = "http-fuzz:" + Long.toHexString(random.nextLong());
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nQoS-Level: 1\r\n";
        return switch (random.nextInt(9)) {
            case 0 ->
                ascii(head + "Content-Length: " + (body.length() + 1 + random.nextInt(10_000)) + "\r\n\r\n" + body);
            case 1 -> ascii(head + "Content-Length: " + random.nextInt(body.length()) + "\r\n\r\n" + body + body);
            case 2 ->
                ascii(head + "Content-Length: "
                        + new String[] {"-5", "abc", "99999999999999999999", "1e3", " 12", "0x10"}[random.nextInt(6)]
                        + "\r\n\r\n" + body);
            case 3 ->
                ascii(head + "Content-Length: " + body.length() + "\r\nContent-Length: " + (body.length() + 7)
                        + "\r\n\r\n" + body);
            case 4 ->
                ascii(head + "X-Huge: " + "h".repeat(1 + random.nextInt(1 << 20)) + "\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body);
            case 5 -> {
                StringBuilder many = new StringBuilder(head);
                for (int i = 0; i < 1_000 + random.nextInt(9_000); i++) {
                    many.append("X-H").append(i).append(": v\r\n");
                }
                yield ascii(many + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            }
            case 6 ->
                ascii(head + "Transfer-Encoding: chunked\r\n\r\n"
                        + new String[] {"zz", "FFFFFFFFFFFFFFFF", "-1", "5;ext", ""}[random.nextInt(5)] + "\r\n" + body
                        + "\r\n0\r\n\r\n");
            case 7 -> {
                byte[] garbage = new byte[1 + random.nextInt(2_000)];
                random.nextBytes(garbage);
                if (random.nextBoolean()) { // a plausible start, then garbage
                    byte[] line = ascii(WORDS[random.nextInt(WORDS.length)] + " /" + " HTTP/1.1\r\n");
                    System.arraycopy(line, 0, garbage, 0, Math.min(line.length, garbage.length));
                }
                yield garbage;
            }
            default -> {
                byte[] valid = ascii(head + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    valid[random.nextInt(valid.length)] = (byte) random.nextInt(256);
                }
                yield valid;
            }
        };
    }

    private void send(byte[] request) {
        requests.incrementAndGet();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(300);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            try {
                if (in.read() >= 0) {
                    answered.incrementAndGet();
                }
            } catch (SocketTimeoutException e) {
                // still waiting for what we promised and never send: hang up
            }
        } catch (IOException e) {
            // reset by the server mid-request: fine
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}

package io.fogbridge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one {@code host:port}, with fault injection: the network
 * between the gateway and Kafka, made breakable. See {@link KafkaBroker} for how to put it in
 * front of a broker (the broker must advertise the proxy's port).
 *
 * <p>Modes: {@link #restore() normal}; {@link #cut()}: every connection is closed and new ones are
 * closed as soon as they are accepted (the client sees a reset, like a firewall rejecting);
 * {@link #stall()}: connections stay open but no byte passes in either direction (a black hole:
 * the client only finds out by its own timeouts); {@link #slow(long)}: bytes pass at most at the
 * given rate per direction and connection.
 *
 * <p>Two threads per connection copy bytes (blocking I/O, virtual threads); fine for the tens of
 * connections a test makes. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    private enum Mode {
        PASS,
        CUT,
        STALL,
        SLOW
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile long bytesPerSecond;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Starts a proxy on a free port of 127.0.0.1 forwarding to {@code host:port}. */
    public static FaultProxy start(String host, int port) {
        return start(0, host, port);
    }

    /** Starts a proxy on {@code listenPort} (0 = free port) forwarding to {@code host:port}. */
    public static FaultProxy start(int listenPort, String host, int port) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
            FaultProxy proxy = new FaultProxy(server, InetSocketAddress.createUnresolved(host, port));
            Thread.ofVirtual()
                    .name("fault-proxy-accept-" + server.getLocalPort())
                    .start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start proxy on port " + listenPort, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>} of the proxy. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far (including ones refused while cut). */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        mode = Mode.CUT;
        closeAll();
    }

    /** Keeps connections open but lets no byte through, either way, until {@link #restore()}. */
    public void stall() {
        mode = Mode.STALL;
    }

    /** Lets bytes through at most at {@code bytesPerSecond} per direction and connection. */
    public void slow(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be > 0");
        }
        this.bytesPerSecond = bytesPerSecond;
        mode = Mode.SLOW;
    }

    /** Back to passing everything through. Connections closed by a cut stay closed; clients reconnect. */
    public void restore() {
        mode = Mode.PASS;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // server socket closed
            }
            accepted.incrementAndGet();
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("fault-proxy-conn").start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(target.getHostString(), target.getPort()), 5_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            // Target down: the client sees its connection closed, as with a refused connect.
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (mode == Mode.CUT || closed) {
            closeAll();
            return;
        }
        Thread.ofVirtual().name("fault-proxy-up").start(() -> pump(client, upstream));
        pump(upstream, client);
    }

    /** Copies bytes from {@code in} to {@code out} obeying the current mode; closes both when either side ends. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int offset = 0;
                while (offset < n) {
                    offset += forward(buffer, offset, n - offset, out);
                }
            }
        } catch (IOException | InterruptedException e) {
            // a side closed, or the proxy cut it: end both directions
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Writes some of the bytes according to the mode; returns how many were written. */
    private int forward(byte[] buffer, int offset, int length, OutputStream out)
            throws IOException, InterruptedException {
        Mode current = mode;
        switch (current) {
            case CUT -> throw new SocketException("cut");
            case STALL -> {
                Thread.sleep(20);
                return 0;
            }
            case SLOW -> {
                long rate = bytesPerSecond;
                // Write in slices of ~50 ms worth of bytes so a restore() takes effect quickly.
                int slice = (int) Math.max(1, Math.min(length, rate / 20));
                out.write(buffer, offset, slice);
                out.flush();
                Thread.sleep(Math.max(1, slice * 1000L / rate));
                return slice;
            }
            default -> {
                out.write(buffer, offset, length);
                out.flush();
                return length;
            }
        }
    }

    private void closeAll() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}

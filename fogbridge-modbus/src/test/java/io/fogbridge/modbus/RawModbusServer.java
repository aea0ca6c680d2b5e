package io.fogbridge.modbus;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Modbus TCP server made of raw bytes, for faults no real server produces on purpose: connection {@code n} (from 0)
 * is served by {@code behaviours[min(n, last)]}. Answers only FC03 reads of one register, with the value 7.
 */
final class RawModbusServer implements AutoCloseable {

    enum Behaviour {
        /** Reads requests, never answers. */
        SILENT,
        /** Answers with another transaction id than the request's. */
        WRONG_TRANSACTION_ID,
        /** A well-framed answer whose byte count promises 4 bytes and carries 2. */
        TRUNCATED_PDU,
        /** A correct answer: one register holding 7. */
        GOOD
    }

    private final ServerSocket server;
    private final List<Behaviour> behaviours;
    private final AtomicInteger connections = new AtomicInteger();
    /** Requests received per connection, in connection order. */
    final List<AtomicInteger> requests = new CopyOnWriteArrayList<>();

    RawModbusServer(Behaviour... behaviours) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.behaviours = List.of(behaviours);
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int n = connections.getAndIncrement();
                AtomicInteger count = new AtomicInteger();
                requests.add(count);
                Behaviour behaviour = behaviours.get(Math.min(n, behaviours.size() - 1));
                Thread.ofVirtual().start(() -> serve(socket, behaviour, count));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket socket, Behaviour behaviour, AtomicInteger count) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                byte[] mbap = new byte[7];
                in.readFully(mbap);
                int length = ((mbap[4] & 0xFF) << 8) | (mbap[5] & 0xFF);
                byte[] pdu = new byte[length - 1];
                in.readFully(pdu);
                count.incrementAndGet();
                int transaction = ((mbap[0] & 0xFF) << 8) | (mbap[1] & 0xFF);
                switch (behaviour) {
                    case SILENT -> {}
                    case WRONG_TRANSACTION_ID -> out.write(answer(transaction ^ 0x5555, mbap[6], 2, 0, 7));
                    case TRUNCATED_PDU -> out.write(answer(transaction, mbap[6], 4, 0, 7));
                    case GOOD -> out.write(answer(transaction, mbap[6], 2, 0, 7));
                }
                out.flush();
            }
        } catch (IOException closed) {
            // the client went away
        }
    }

    /** FC03 answer: MBAP (length counts the unit id and the PDU) + 0x03, byte count, data. */
    private static byte[] answer(int transaction, byte unit, int byteCount, int... data) {
        byte[] frame = new byte[7 + 2 + data.length];
        frame[0] = (byte) (transaction >> 8);
        frame[1] = (byte) transaction;
        int length = 1 + 2 + data.length;
        frame[4] = (byte) (length >> 8);
        frame[5] = (byte) length;
        frame[6] = unit;
        frame[7] = 0x03;
        frame[8] = (byte) byteCount;
        for (int i = 0; i < data.length; i++) {
            frame[9 + i] = (byte) data[i];
        }
        return frame;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package io.fogbridge.modbus;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One Modbus TCP connection of a scan, asking unit ids whether they answer with the most harmless request there is:
 * a read of one item at address 0 (function 1, 2, 3 or 4). Blocking, with a timeout on every step, so a scan thread
 * never waits longer than it was told. It speaks the few bytes of the MBAP frame itself rather than through the
 * converter's client: a probe needs one request shape, and a plain socket fails exactly within its timeout instead
 * of starting the reconnect machinery a polling client has. Not thread-safe; one per host and port of a scan.
 */
final class UnitProbe implements AutoCloseable {

    /** What a unit said to one read. */
    enum Answer {
        /** Data: the unit is there and the item at address 0 is readable. */
        DATA,
        /** An exception (illegal function, illegal address …): the unit is there, this item is not readable. */
        REFUSED,
        /** No unit: no answer in time, the connection closed, or a gateway's 0x0A/0x0B (no path, no response). */
        ABSENT
    }

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private Socket socket;
    private int transaction;

    private UnitProbe(InetSocketAddress address, Duration timeout) {
        this.address = address;
        this.timeoutMillis = (int) timeout.toMillis();
    }

    /** Connects; an IOException means nothing listens there (refused, unreachable, no answer within the timeout). */
    static UnitProbe connect(String host, int port, Duration timeout) throws IOException {
        UnitProbe probe = new UnitProbe(new InetSocketAddress(host, port), timeout);
        probe.open();
        return probe;
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.setTcpNoDelay(true);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
    }

    /** Reads one coil (1), discrete input (2), holding register (3) or input register (4) at address 0 of unit. */
    Answer read(int unit, int function) throws IOException {
        if (socket == null) {
            open(); // a unit before this one closed it or left it with an answer owed
        }
        int id = ++transaction & 0xffff;
        byte[] request = {
            (byte) (id >> 8), (byte) id, 0, 0, 0, 6, (byte) unit, (byte) function, 0, 0, 0, 1,
        };
        try {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int answered = in.readUnsignedShort();
                in.readUnsignedShort(); // protocol id
                int length = in.readUnsignedShort();
                if (length < 2 || length > 254) {
                    throw new IOException("not Modbus TCP: a frame of length " + length);
                }
                byte[] rest = new byte[length];
                in.readFully(rest);
                if (answered != id) {
                    continue; // a late answer to an earlier request of this connection
                }
                int code = rest[1] & 0xff;
                if (code == function) {
                    return Answer.DATA;
                }
                if (code == (function | 0x80) && length >= 3) {
                    int exception = rest[2] & 0xff;
                    return exception == 0x0A || exception == 0x0B ? Answer.ABSENT : Answer.REFUSED;
                }
                throw new IOException("not Modbus TCP: function " + code + " answered to " + function);
            }
        } catch (SocketTimeoutException | EOFException e) {
            close(); // the answer may still come: a fresh connection for the next unit
            return Answer.ABSENT;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a probe: nothing left to do
            }
            socket = null;
        }
    }
}

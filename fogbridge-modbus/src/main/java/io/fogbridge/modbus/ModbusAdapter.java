package io.fogbridge.modbus;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Modbus TCP converter: one {@link DeviceSession} per configured device, each with its own connection, polls and
 * write commands. Its records land on the same device topics, routes, headers and spool as an MQTT device's, with a
 * {@code source} header ({@code modbus://host:port/unit}) instead of {@code mqtt-topic}.
 *
 * <p><b>Start.</b> {@link #start} begins connecting and returns at once: a PLC that is off when the gateway starts is
 * reported {@code lost} on its status topic and retried with back-off, it does not keep the gateway from starting.
 * {@link #ready()} is true while at least one device is connected (or none is configured).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class ModbusAdapter implements ProtocolAdapter {

    private final ModbusSettings settings;
    private final Function<Uplink, ModbusRuntime> runtime;
    private final List<DeviceSession> sessions = new ArrayList<>();
    private volatile boolean closed;

    ModbusAdapter(ModbusSettings settings, Function<Uplink, ModbusRuntime> runtime) {
        this.settings = settings;
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "modbus";
    }

    @Override
    public synchronized void start(Uplink uplink) {
        ModbusRuntime shared = runtime.apply(uplink);
        for (ModbusDevice device : settings.devices()) {
            DeviceSession session = new DeviceSession(device, shared);
            sessions.add(session);
            session.start();
        }
    }

    @Override
    public synchronized boolean ready() {
        return !closed && (sessions.isEmpty() || sessions.stream().anyMatch(DeviceSession::connected));
    }

    @Override
    public synchronized void close() {
        closed = true;
        sessions.forEach(DeviceSession::close);
    }
}

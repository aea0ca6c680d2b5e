package io.fogbridge.demo;

import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.server.ProcessImage;
import com.digitalpetri.modbus.server.ReadWriteModbusServices;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's third lathe: a Modbus TCP PLC (digitalpetri's server, unit id 1) on a free loopback port, whose spindle
 * registers drift slowly with a little noise, so that the gateway's deadband has something to drop. Register map
 * (0-based, raw values; the demo's config scales them):
 *
 * <pre>
 * holding register 0  uint16  spindle speed, 0.1 rpm
 * input register   0  int16   spindle temperature, 0.1 °C
 * input register   1  uint16  spindle load, 0.1 %
 * </pre>
 *
 * Started once, closed once; the values are updated ten times a second on its own daemon thread.
 */
final class ModbusPlc implements AutoCloseable {

    static final int SPEED = 0;
    static final int TEMPERATURE = 0;
    static final int LOAD = 1;

    private final ProcessImage image = new ProcessImage();
    private final ModbusTcpServer server;
    private final int port;
    private final Random noise = new Random(3);
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService drift = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-modbus-plc");
        t.setDaemon(true);
        return t;
    });

    private ModbusPlc(int port) {
        this.port = port;
        NettyTcpServerTransport transport = NettyTcpServerTransport.create(cfg -> {
            cfg.setBindAddress("127.0.0.1");
            cfg.setPort(port);
        });
        server = ModbusTcpServer.create(transport, new ReadWriteModbusServices() {
            @Override
            protected Optional<ProcessImage> getProcessImage(int unitId) {
                return unitId == 1 ? Optional.of(image) : Optional.empty();
            }
        });
    }

    /** A PLC listening on a free loopback port, its registers already holding their first values. */
    static ModbusPlc start() throws Exception {
        ModbusPlc plc = new ModbusPlc(freePort());
        plc.update();
        plc.server.start();
        plc.drift.scheduleAtFixedRate(plc::update, 100, 100, TimeUnit.MILLISECONDS);
        return plc;
    }

    int port() {
        return port;
    }

    /** Speed around 1,200 rpm over a minute, temperature warming and cooling over five, load following speed. */
    private void update() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rpm = 1200 + 150 * Math.sin(2 * Math.PI * seconds / 60) + noise.nextGaussian();
        double temperature = 41 + 6 * Math.sin(2 * Math.PI * seconds / 300) + 0.05 * noise.nextGaussian();
        double load = 35 + 0.1 * (rpm - 1200) + 0.3 * noise.nextGaussian();
        image.with(tx -> {
            tx.writeHoldingRegisters(registers -> registers.put(SPEED, register((int) Math.round(rpm * 10))));
            tx.writeInputRegisters(registers -> {
                registers.put(TEMPERATURE, register((int) Math.round(temperature * 10)));
                registers.put(LOAD, register((int) Math.round(load * 10)));
            });
        });
    }

    private static byte[] register(int value) {
        return new byte[] {(byte) (value >> 8), (byte) value};
    }

    // The transport binds a port it is given and does not tell which one port 0 became: ask the OS for a free one.
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        drift.shutdownNow();
        try {
            server.stop();
        } catch (ExecutionException e) {
            // stopping the demo: nothing left to do with a server that would not stop cleanly
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

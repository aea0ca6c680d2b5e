package io.fogbridge.bench.e2e;

import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.server.ProcessImage;
import com.digitalpetri.modbus.server.ReadOnlyModbusServices;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Modbus benchmark's load target, as its own process: digitalpetri's Java Modbus TCP server on {@code ports} free
 * loopback ports, each answering unit ids 1..{@code units} from its own process image of {@code registers} holding
 * registers (0-based from 0), which drift once a second. Prints {@code READY <port>,<port>,…} and runs until its stdin
 * closes (the benchmark died or is done).
 *
 * <p>Usage: {@code ModbusFarm <ports> <units> <registers>}.
 */
public final class ModbusFarm {

    private ModbusFarm() {}

    public static void main(String[] args) throws Exception {
        int ports = Integer.parseInt(args[0]);
        int units = Integer.parseInt(args[1]);
        int registers = Integer.parseInt(args[2]);
        List<ProcessImage> images = new ArrayList<>();
        List<ModbusTcpServer> servers = new ArrayList<>();
        StringJoiner bound = new StringJoiner(",");
        for (int p = 0; p < ports; p++) {
            List<ProcessImage> portImages = new ArrayList<>();
            for (int u = 0; u < units; u++) {
                portImages.add(new ProcessImage());
            }
            images.addAll(portImages);
            int port = E2eBench.freePort(); // the transport binds the port it is given and does not tell what 0 became
            NettyTcpServerTransport transport = NettyTcpServerTransport.create(cfg -> {
                cfg.setBindAddress("127.0.0.1");
                cfg.setPort(port);
            });
            ModbusTcpServer server = ModbusTcpServer.create(transport, new ReadOnlyModbusServices() {
                @Override
                protected Optional<ProcessImage> getProcessImage(int unitId) {
                    return unitId >= 1 && unitId <= units ? Optional.of(portImages.get(unitId - 1)) : Optional.empty();
                }
            });
            server.start();
            servers.add(server);
            bound.add(Integer.toString(port));
        }
        ScheduledExecutorService drift = Executors.newSingleThreadScheduledExecutor();
        long[] tick = {0};
        Runnable update = () -> {
            tick[0]++;
            for (int i = 0; i < images.size(); i++) {
                int base = (int) ((i * 31 + tick[0]) & 0x7fff);
                images.get(i)
                        .with(tx -> tx.writeHoldingRegisters(map -> {
                            for (int r = 0; r < registers; r++) {
                                int value = base + r;
                                map.put(r, new byte[] {(byte) (value >> 8), (byte) value});
                            }
                        }));
            }
        };
        update.run();
        drift.scheduleAtFixedRate(update, 1, 1, TimeUnit.SECONDS);
        System.out.println("READY " + bound);
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // the benchmark holds stdin open while it needs the servers
            }
        }
        drift.shutdownNow();
        for (ModbusTcpServer server : servers) {
            server.stop();
        }
        System.exit(0);
    }
}

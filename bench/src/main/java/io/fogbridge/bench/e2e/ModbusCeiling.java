package io.fogbridge.bench.e2e;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The bare client → server ceiling of the Modbus benchmark, as its own process: digitalpetri's client doing the
 * gateway's reads with no gateway — one connection per device, one request in flight per connection, {@code
 * registers} holding registers from address 0 per read. Paced ({@code intervalMs > 0}) it keeps the gateway's
 * schedule: a device's next read is due one interval after the previous one was due, and starts at once when it is
 * already late (lateness recorded, no catching up in bursts beyond that). Unpaced ({@code intervalMs = 0}) every
 * device reads again as soon as its answer arrives: what the server and the client library can do on this box.
 *
 * <p>Prints {@code RESULT reads=… errors=… seconds=… cpuMs=… latenessP99Ms=…} for the window after the warm-up.
 * Usage: {@code ModbusCeiling <port,port,…> <units> <registers> <intervalMs> <warmupSeconds> <seconds>}.
 */
public final class ModbusCeiling {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Recorder lateness = new Recorder(3);
    private final int registers;
    private final long intervalNanos;
    private volatile boolean running = true;

    private ModbusCeiling(int registers, long intervalMs) {
        this.registers = registers;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    }

    public static void main(String[] args) throws Exception {
        String[] ports = args[0].split(",");
        int units = Integer.parseInt(args[1]);
        ModbusCeiling ceiling = new ModbusCeiling(Integer.parseInt(args[2]), Long.parseLong(args[3]));
        int warmup = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);

        List<ModbusTcpClient> clients = new ArrayList<>();
        for (String port : ports) {
            for (int unit = 1; unit <= units; unit++) {
                ModbusTcpClient client = ModbusTcpClient.create(
                        NettyTcpClientTransport.create(
                                cfg -> cfg.setHostname("127.0.0.1").setPort(Integer.parseInt(port))),
                        cfg -> cfg.setRequestTimeout(Duration.ofSeconds(2)));
                client.connect();
                clients.add(client);
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < clients.size(); i++) {
            // spread the first reads over one interval, as the gateway's devices start at different times
            long offset = ceiling.intervalNanos * i / clients.size();
            ceiling.read(clients.get(i), 1 + i % units, start + offset);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long reads0 = ceiling.reads.get();
        long errors0 = ceiling.errors.get();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        ceiling.lateness.reset();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long reads1 = ceiling.reads.get();
        long errors1 = ceiling.errors.get();
        long cpu1 = cpuNanos();
        long t1 = System.nanoTime();
        double p99 = ceiling.lateness.getIntervalHistogram().getValueAtPercentile(99) / 1e6;
        ceiling.running = false;
        System.out.printf(
                "RESULT reads=%d errors=%d seconds=%.3f cpuMs=%d latenessP99Ms=%.1f connections=%d%n",
                reads1 - reads0, errors1 - errors0, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1_000_000, p99, clients.size());
        System.out.flush();
        System.exit(0);
    }

    /** One read due at {@code due}; when it is answered, the next is scheduled (or sent at once, unpaced). */
    private void read(ModbusTcpClient client, int unit, long due) {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        if (intervalNanos > 0 && due > now) {
            timer.schedule(() -> read(client, unit, due), due - now, TimeUnit.NANOSECONDS);
            return;
        }
        if (intervalNanos > 0) {
            lateness.recordValue(now - due);
        }
        client.readHoldingRegistersAsync(unit, new ReadHoldingRegistersRequest(0, registers))
                .whenComplete((response, failure) -> {
                    if (failure == null) {
                        reads.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                    long next = due + intervalNanos;
                    long after = System.nanoTime();
                    if (intervalNanos > 0 && after - next > intervalNanos) {
                        // a whole interval late: skip the missed slots, like the gateway
                        next += (after - next) / intervalNanos * intervalNanos;
                    }
                    read(client, unit, next);
                });
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}

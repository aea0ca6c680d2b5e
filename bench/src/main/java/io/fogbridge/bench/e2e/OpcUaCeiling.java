package io.fogbridge.bench.e2e;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * The bare client of the OPC UA benchmark, as its own process: Eclipse Milo's client (the gateway's library) with the
 * gateway's subscription — {@code items} monitored items {@code ns=1;s=v0..} sampled and published every {@code
 * intervalMs}, queue 1 — and nothing after it: each notification is counted and its age (receive time minus source
 * timestamp) recorded. The ceiling the gateway's notifications/s are compared with.
 *
 * <p>Prints {@code RESULT notifications=… seconds=… cpuMs=… ageP50Ms=… ageP99Ms=…} for the window after the warm-up.
 * Usage: {@code OpcUaCeiling <url> <items> <intervalMs> <warmupSeconds> <seconds>}.
 */
public final class OpcUaCeiling {

    private OpcUaCeiling() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int items = Integer.parseInt(args[1]);
        double interval = Double.parseDouble(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);

        AtomicLong notifications = new AtomicLong();
        Recorder age = new Recorder(3);
        OpcUaClient client = OpcUaClient.create(url);
        client.connect();
        OpcUaSubscription subscription = new OpcUaSubscription(client, interval);
        subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onDataReceived(
                    OpcUaSubscription s, List<OpcUaMonitoredItem> monitored, List<DataValue> values) {
                long now = System.currentTimeMillis();
                for (DataValue value : values) {
                    if (value.getSourceTime() != null) {
                        age.recordValue(Math.max(0, now - value.getSourceTime().getJavaTime()));
                    }
                }
                notifications.addAndGet(values.size());
            }
        });
        subscription.create();
        for (int i = 0; i < items; i++) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(new NodeId(1, "v" + i));
            item.setSamplingInterval(interval);
            item.setQueueSize(uint(1));
            subscription.addMonitoredItem(item);
        }
        subscription.createMonitoredItems();

        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long n0 = notifications.get();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        age.reset();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long n1 = notifications.get();
        long cpu1 = cpuNanos();
        long t1 = System.nanoTime();
        var histogram = age.getIntervalHistogram();
        System.out.printf(
                "RESULT notifications=%d seconds=%.3f cpuMs=%d ageP50Ms=%d ageP99Ms=%d%n",
                n1 - n0,
                (t1 - t0) / 1e9,
                (cpu1 - cpu0) / 1_000_000,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99));
        System.out.flush();
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}

package io.fogbridge.operator.reconcile;

import com.fasterxml.jackson.databind.node.DoubleNode;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fogbridge.operator.bench.DeviceBench;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the operator's two Device caches hold of N of the bench's Devices (DeviceBench's mix, with the status a
 * reporting device has), each Device deserialized from its JSON as an informer receives it. Prints the live heap
 * each cache adds, after full collections. A quick A/B for changes to {@link CompactDevices} and
 * {@link StrippedDevices}, without the whole bench.
 *
 * <pre>java -cp … io.fogbridge.operator.reconcile.DeviceStoreFootprint [devices=10000]</pre>
 *
 * With {@code -Dbench.managedFields=true} the Devices carry managed fields, as in DeviceBench.
 */
public final class DeviceStoreFootprint {

    private DeviceStoreFootprint() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<String> json = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            json.add(Serialization.asJson(reporting(DeviceBench.device(i / 100, i % 100), i)));
        }
        long base = liveHeap();
        CompactDevices full = fill(new CompactDevices(), json);
        long withFull = liveHeap();
        StrippedDevices stripped = fill(new StrippedDevices(), json);
        long withBoth = liveHeap();
        System.out.printf(
                "devices=%d device_reconciler_cache_mib=%.1f gateway_reconciler_cache_mib=%.1f bytes_per_device=%d+%d%n",
                count,
                (withFull - base) / 1048576.0,
                (withBoth - withFull) / 1048576.0,
                (withFull - base) / count,
                (withBoth - withFull) / count);
        // keep both caches reachable until measured
        System.out.println(full.size() + stripped.size() > 0 ? "" : "empty");
    }

    /** {@code store} with every Device of {@code json}, each deserialized afresh, keyed as an informer keys it. */
    private static <S extends CompactDevices> S fill(S store, List<String> json) {
        for (String text : json) {
            Device device = Serialization.unmarshal(text, Device.class);
            store.put(Cache.metaNamespaceKeyFunc(device), device);
        }
        return store;
    }

    /** {@code device} as the API server has it once its gateway reported: ids, conditions, a reported value. */
    private static Device reporting(Device device, int i) {
        device.getMetadata()
                .setUid(UUID.nameUUIDFromBytes(("device-" + i).getBytes()).toString());
        device.getMetadata().setResourceVersion(Integer.toString(100_000 + i));
        device.getMetadata().setGeneration(1L);
        device.getMetadata().setCreationTimestamp("2026-12-04T16:05:0" + (i % 10) + "Z");
        DeviceStatus status = new DeviceStatus();
        status.observedGeneration = 1L;
        status.assignedGateway = device.getSpec().gateway;
        status.lastSeen = "2026-12-04T16:07:" + String.format("%02d", i % 60) + ".123Z";
        Condition registered = new Condition(
                "Registered",
                Condition.Status.TRUE,
                "Rendered",
                "in the registry of" + " Gateway " + device.getSpec().gateway);
        registered.lastTransitionTime = "2026-12-04T16:06:00Z";
        Condition connected = new Condition("Connected", Condition.Status.TRUE, "Connected", "connected to gateway");
        connected.lastTransitionTime = "2026-12-04T16:06:3" + (i % 10) + "Z";
        status.conditions = new ArrayList<>(List.of(registered, connected));
        status.reported.put(
                "temperature",
                new DeviceStatus.ReportedValue(DoubleNode.valueOf(20 + i % 100 / 10.0), status.lastSeen));
        device.setStatus(status);
        return device;
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}

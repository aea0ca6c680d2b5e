package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fogbridge.api.adapter.AdapterTool;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * {@code fogbridge opcua sample <url> <nodeId>... [--count N] [--interval 500ms]}: subscribes to the nodes as a
 * monitored item of the converter would (sampling and publishing at {@code --interval}, default 1 s) and prints each
 * value the server sends, one line each, until {@code --count} values (default 10) were printed:
 *
 * <pre>
 * 2026-12-04T10:14:00.123Z  ns=1;s=Counter  42  good
 * 2026-12-04T10:14:00.123Z  ns=1;s=Level  4.2  good
 * </pre>
 *
 * The time is the source timestamp (else the server's), the value is JSON as in a record's {@code values}, then the
 * quality as in {@code quality}. A node the server refuses is named on the error stream; when it refuses all, the
 * exit status is 1. Connects with the same options, security and trust store as browse ({@link ToolConnection}).
 * Registered as an {@link AdapterTool}. Stateless.
 */
public final class SampleTool implements AdapterTool {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String adapter() {
        return "opcua";
    }

    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String usage() {
        return "<url> <nodeId>... [--count N] [--interval 500ms] " + ToolConnection.USAGE
                + ": the nodes' live values, one line each (time, node id, value, quality), until N were printed"
                + " (default 10)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        ToolConnection connection;
        List<NodeId> nodes = new ArrayList<>();
        int count;
        long interval;
        try {
            connection = ToolConnection.parse(args, Set.of("--count", "--interval"));
            for (String text : connection.positional()) {
                NodeId node = NodeId.parseOrNull(text);
                if (node == null) {
                    throw new ToolConnection.UsageError("not a node id: " + text + " (such as ns=2;s=Tank.Level)");
                }
                nodes.add(node);
            }
            if (nodes.isEmpty()) {
                throw new ToolConnection.UsageError("name at least one node id");
            }
            count = positive("--count", connection.option("--count").orElse("10"));
            interval = millis(connection.option("--interval").orElse("1s"));
            connection.endpoint();
        } catch (ToolConnection.UsageError e) {
            err.println(e.getMessage() + "; usage: sample " + usage());
            return 2;
        }
        OpcUaClient client = connection.connect("Fogbridge sample", err);
        if (client == null) {
            return 1;
        }
        try {
            return sample(client, nodes, count, interval, out, err);
        } finally {
            client.disconnectAsync().get(10, TimeUnit.SECONDS);
        }
    }

    private static int sample(
            OpcUaClient client, List<NodeId> nodes, int count, long interval, PrintStream out, PrintStream err)
            throws Exception {
        CountDownLatch printed = new CountDownLatch(count);
        OpcUaSubscription subscription = new OpcUaSubscription(client, (double) interval);
        subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
                for (int i = 0; i < items.size() && printed.getCount() > 0; i++) {
                    out.println(line((NodeId) items.get(i).getUserObject().orElseThrow(), values.get(i)));
                    printed.countDown();
                }
            }
        });
        subscription.create();
        for (NodeId node : nodes) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node);
            item.setUserObject(node);
            item.setSamplingInterval(interval);
            item.setQueueSize(uint(1));
            subscription.addMonitoredItem(item);
        }
        int refused = 0;
        for (MonitoredItemServiceOperationResult result : subscription.createMonitoredItems()) {
            StatusCode code = result.serviceResult().isGood()
                    ? result.operationResult().orElse(StatusCode.GOOD)
                    : result.serviceResult();
            if (code.isBad()) {
                refused++;
                err.println(((NodeId) result.monitoredItem().getUserObject().orElseThrow()).toParseableString()
                        + ": refused by the server: " + PublishRecord.quality(code));
            }
        }
        if (refused == nodes.size()) {
            return 1;
        }
        printed.await();
        return 0;
    }

    static String line(NodeId node, DataValue value) {
        long ts = value.getSourceTime() != null && !value.getSourceTime().isNull()
                ? value.getSourceTime().getJavaTime()
                : value.getServerTime() != null && !value.getServerTime().isNull()
                        ? value.getServerTime().getJavaTime()
                        : System.currentTimeMillis();
        StatusCode status = value.getStatusCode() == null ? StatusCode.GOOD : value.getStatusCode();
        StringWriter json = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(json)) {
            PublishRecord.writeValue(
                    generator, status.isBad() ? null : value.getValue().getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string writer does not fail
        }
        return Instant.ofEpochMilli(ts) + "  " + node.toParseableString() + "  " + json + "  "
                + PublishRecord.quality(status);
    }

    private static int positive(String option, String text) throws ToolConnection.UsageError {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ToolConnection.UsageError(option + " takes a number >= 1, got " + text);
    }

    /** {@code 500ms}, {@code 2s}: the interval in ms, 10 ms to 1 h. */
    private static long millis(String text) throws ToolConnection.UsageError {
        try {
            long value = text.endsWith("ms")
                    ? Long.parseLong(text.substring(0, text.length() - 2))
                    : text.endsWith("s") ? Long.parseLong(text.substring(0, text.length() - 1)) * 1000 : -1;
            if (value >= 10 && value <= 3_600_000) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ToolConnection.UsageError("--interval takes 10ms to 3600s (such as 500ms or 2s), got " + text);
    }
}
